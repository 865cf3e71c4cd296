/**
 * The exact scan of the original prototype: every stored vector compared with the query, best kept. Vectors
 * are unit length, so the dot product is the cosine similarity.
 */
export class BruteForceIndex {
  readonly dimensions: number;
  readonly #vectors: Float32Array;
  #size = 0;

  constructor(dimensions: number, capacity: number) {
    this.dimensions = dimensions;
    this.#vectors = new Float32Array(dimensions * capacity);
  }

  get bytes(): number {
    return this.#size * this.dimensions * 4;
  }

  add(vector: Float32Array): void {
    this.#vectors.set(vector, this.#size * this.dimensions);
    this.#size++;
  }

  /** The position of the most similar stored vector and its similarity. */
  nearest(query: Float32Array): { index: number; similarity: number } {
    const d = this.dimensions;
    const all = this.#vectors;
    let best = -1;
    let bestSim = -Infinity;
    for (let n = 0, offset = 0; n < this.#size; n++, offset += d) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += all[offset + i]! * query[i]!;
      if (dot > bestSim) {
        bestSim = dot;
        best = n;
      }
    }
    return { index: best, similarity: bestSim };
  }
}
