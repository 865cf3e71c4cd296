import { Index, MetricKind, ScalarKind } from 'usearch';

export interface Neighbour {
  key: bigint;
  similarity: number;
}

const BYTES_PER_GRAPH_LINK = 8;
const CONNECTIVITY = 16;

/** One HNSW index (usearch, cosine) per namespace; keys are entry ids. */
export class VectorIndex {
  readonly dimensions: number;
  #index: Index;

  constructor(dimensions: number) {
    this.dimensions = dimensions;
    this.#index = VectorIndex.#create(dimensions);
  }

  static #create(dimensions: number): Index {
    return new Index({
      dimensions,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: CONNECTIVITY,
      expansion_add: 128,
      expansion_search: 64,
      multi: false,
    });
  }

  get size(): number {
    return this.#index.size();
  }

  /** Vectors plus the graph's links, roughly: usearch does not report its own allocation. */
  get approximateBytes(): number {
    return this.size * (this.dimensions * 4 + CONNECTIVITY * 2 * BYTES_PER_GRAPH_LINK);
  }

  add(key: bigint, vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, index has ${this.dimensions}`);
    }
    // usearch throws on a duplicate key: an update is a remove then an add.
    if (this.#index.contains(key)) this.#index.remove(key);
    this.#index.add(key, vector, 1);
  }

  remove(key: bigint): void {
    if (this.#index.contains(key)) this.#index.remove(key);
  }

  search(vector: Float32Array, k: number): Neighbour[] {
    const size = this.size;
    if (size === 0 || k <= 0) return [];
    const found = this.#index.search(vector, Math.min(k, size), 1);
    const out: Neighbour[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      out.push({ key: found.keys[i]!, similarity: 1 - found.distances[i]! });
    }
    return out;
  }

  clear(): void {
    this.#index = VectorIndex.#create(this.dimensions);
  }
}
