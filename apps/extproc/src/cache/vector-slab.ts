import type { IndexPrecision } from './vector-index.ts';

/** An entry's vector: its own Float32Array in transit, a row of its namespace's slab once stored there. */
export type EntryVector = Float32Array | Float16Array;

/** Node 24 has Float16Array; on Node 22 (which package.json still allows) rows stay f32, as large as before. */
const HALVES = typeof Float16Array === 'function';

/** Rows per chunk: growing never copies what is stored, and a chunk (3 MiB at 384 f16 values) is one allocation. */
const CHUNK_ROWS = 4096;

/**
 * The vectors of one namespace's entries, end to end in chunks at the index's precision, so that an entry costs
 * its vector's bytes and one view rather than a Float32Array and ArrayBuffer of its own (usearch keeps its own
 * copy and cannot give it back). i8 rows are kept as f16: read back at i8, a vector written to a snapshot or to
 * Redis would lose what the next load needs.
 */
export class VectorSlab {
  readonly dimensions: number;
  readonly #f16: boolean;
  readonly #chunks: EntryVector[] = [];
  readonly #free: number[] = [];
  #next = 0;

  constructor(dimensions: number, precision: IndexPrecision) {
    this.dimensions = dimensions;
    this.#f16 = precision !== 'f32' && HALVES;
  }

  /** Copies the vector into a free row and returns a view of that row. */
  store(vector: ArrayLike<number>): EntryVector {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, the slab ${this.dimensions}`);
    }
    const slot = this.#free.pop() ?? this.#next++;
    const chunk = Math.floor(slot / CHUNK_ROWS);
    if (chunk === this.#chunks.length) {
      const values = CHUNK_ROWS * this.dimensions;
      this.#chunks.push(this.#f16 ? new Float16Array(values) : new Float32Array(values));
    }
    const start = (slot % CHUNK_ROWS) * this.dimensions;
    const row = this.#chunks[chunk]!.subarray(start, start + this.dimensions);
    row.set(vector);
    return row;
  }

  /**
   * Gives the row back for reuse and returns a copy of the vector it held: whoever still holds the entry
   * (a lookup in flight, a listener, an entry added again) keeps its own vector, not the next entry's.
   */
  release(view: EntryVector): EntryVector {
    const chunk = this.#chunks.findIndex((c) => c.buffer === view.buffer);
    if (chunk < 0 || view.length !== this.dimensions) return view;
    const copy = view.slice();
    this.#free.push(chunk * CHUNK_ROWS + view.byteOffset / view.BYTES_PER_ELEMENT / this.dimensions);
    return copy;
  }

  /** Rows in use. */
  get size(): number {
    return this.#next - this.#free.length;
  }
}

/** The vector as Float32 values: what usearch, the embedders and the stored formats take. */
export function asFloat32(vector: EntryVector): Float32Array {
  return vector instanceof Float32Array ? vector : new Float32Array(vector);
}
