import type { IndexPrecision } from './vector-index.ts';

/** A vector as a typed array of its own: in transit, and an entry's once it has left its namespace. */
export type EntryVector = Float32Array | Float16Array;

/** An entry's vector: its own typed array, or its row of its namespace's slab while stored there. */
export type StoredVector = EntryVector | SlabRow;

/** Node 24 has Float16Array; on Node 22 (which package.json still allows) rows stay f32, as large as before. */
const HALVES = typeof Float16Array === 'function';

/**
 * Every f16 bit pattern's value: V8 reads a Float16Array element an order of magnitude slower than a Float32Array's,
 * and rescoring reads thousands of them per lookup. 256 KiB, made once.
 */
let halfValues: Float32Array | null = null;
function halves(): Float32Array {
  if (!halfValues) {
    const all = new Uint16Array(65_536);
    for (let i = 0; i < all.length; i++) all[i] = i;
    halfValues = new Float32Array(new Float16Array(all.buffer));
  }
  return halfValues;
}

/** Rows per chunk: growing never copies what is stored, and a chunk (3 MiB at 384 f16 values) is one allocation. */
const CHUNK_ROWS = 4096;

/**
 * Where a stored entry's vector is: 40 bytes (Node builds V8 without pointer compression), where a typed-array
 * view of the row took ~100. It keeps its slab, so an entry still held after its namespace was cleared reads its
 * own row, never a reused one.
 */
export class SlabRow {
  readonly slab: VectorSlab;
  readonly slot: number;

  constructor(slab: VectorSlab, slot: number) {
    this.slab = slab;
    this.slot = slot;
  }
}

/** The precision a slab keeps rows at under an index of this precision: f16 for f16, i8 and b1 (where Float16Array exists). */
export const rowPrecision = (index: IndexPrecision): IndexPrecision => (index !== 'f32' && HALVES ? 'f16' : 'f32');

/**
 * The vectors of one namespace's entries, end to end in chunks at the index's precision, so that an entry costs
 * its vector's bytes and a `SlabRow` rather than a Float32Array and ArrayBuffer of its own (usearch keeps its own
 * copy and cannot give it back). i8 and b1 rows are kept as f16: they are the precise copy that such an index's
 * candidates are rescored against, and what a snapshot or Redis gets, which the next load needs.
 */
export class VectorSlab {
  readonly dimensions: number;
  readonly #f16: boolean;
  readonly #chunks: EntryVector[] = [];
  /** The f16 chunks' bits, for `dot`. */
  readonly #bits: Uint16Array[] = [];
  readonly #free: number[] = [];
  #next = 0;

  constructor(dimensions: number, precision: IndexPrecision) {
    this.dimensions = dimensions;
    this.#f16 = rowPrecision(precision) === 'f16';
  }

  /** Copies the vector into a free row. */
  store(vector: ArrayLike<number>): SlabRow {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, the slab ${this.dimensions}`);
    }
    const slot = this.#free.pop() ?? this.#next++;
    const chunk = Math.floor(slot / CHUNK_ROWS);
    if (chunk === this.#chunks.length) {
      const values = CHUNK_ROWS * this.dimensions;
      const rows = this.#f16 ? new Float16Array(values) : new Float32Array(values);
      this.#chunks.push(rows);
      if (rows instanceof Float16Array) this.#bits.push(new Uint16Array(rows.buffer));
    }
    this.#chunks[chunk]!.set(vector, (slot % CHUNK_ROWS) * this.dimensions);
    return new SlabRow(this, slot);
  }

  /** A view of the row (not a copy: it changes if the row is released and reused). */
  view(slot: number): EntryVector {
    const start = (slot % CHUNK_ROWS) * this.dimensions;
    return this.#chunks[Math.floor(slot / CHUNK_ROWS)]!.subarray(start, start + this.dimensions);
  }

  /**
   * The row's cosine similarity with the unit vector `query`, without a view. The row's own norm is divided out:
   * rounding a unit vector to f16 moves its norm by up to ~1e-4, and a prompt asked again must score 1 against
   * its own row, as it does in an f16 index (which rounds the query the same way).
   */
  cosine(slot: number, query: Float32Array): number {
    const start = (slot % CHUNK_ROWS) * this.dimensions;
    let sum = 0;
    let norm = 0;
    if (this.#f16) {
      const bits = this.#bits[Math.floor(slot / CHUNK_ROWS)]!;
      const value = halves();
      for (let i = 0; i < this.dimensions; i++) {
        const v = value[bits[start + i]!]!;
        sum += v * query[i]!;
        norm += v * v;
      }
    } else {
      const chunk = this.#chunks[Math.floor(slot / CHUNK_ROWS)]!;
      for (let i = 0; i < this.dimensions; i++) {
        const v = chunk[start + i]!;
        sum += v * query[i]!;
        norm += v * v;
      }
    }
    return norm === 0 ? 0 : sum / Math.sqrt(norm);
  }

  get rowBytes(): number {
    return this.dimensions * (this.#f16 ? 2 : 4);
  }

  /**
   * Gives the row back for reuse and returns a copy of the vector it held: whoever still holds the entry
   * (a lookup in flight, a listener, an entry added again) keeps its own vector, not the next entry's.
   */
  release(row: SlabRow): EntryVector {
    if (row.slab !== this) throw new Error('the row is not of this slab');
    const copy = this.view(row.slot).slice();
    this.#free.push(row.slot);
    return copy;
  }

  /** Rows in use. */
  get size(): number {
    return this.#next - this.#free.length;
  }
}

/** The vector as a typed array at the precision it is held (a view of a slab row: read it before the row can go). */
export function vectorOf(vector: StoredVector): EntryVector {
  return vector instanceof SlabRow ? vector.slab.view(vector.slot) : vector;
}

export function vectorByteLength(vector: StoredVector): number {
  return vector instanceof SlabRow ? vector.slab.rowBytes : vector.byteLength;
}

/** The vector as Float32 values: what usearch, the embedders and the stored formats take. */
export function asFloat32(vector: StoredVector): Float32Array {
  const v = vectorOf(vector);
  return v instanceof Float32Array && !(vector instanceof SlabRow) ? v : new Float32Array(v);
}
