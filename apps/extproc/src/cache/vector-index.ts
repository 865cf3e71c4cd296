import { Index, MetricKind, ScalarKind } from 'usearch';

export interface Neighbour {
  key: bigint;
  similarity: number;
}

/**
 * How the index stores each vector: f32 as given, f16 half the bytes, i8 a quarter, b1 one bit a value (its sign,
 * compared by Hamming distance; see bench/index-scale.ts). Under f16, i8 and b1 the entries keep their own f16
 * copy; an i8 or b1 index only steers the search, and its nearest candidates are scored again against those
 * copies (`Namespace.search`).
 */
export type IndexPrecision = 'f32' | 'f16' | 'i8' | 'b1';

/** An index that only steers: the similarities it gives are rough, its candidates are rescored. */
export const steersOnly = (precision: IndexPrecision): precision is 'i8' | 'b1' => precision === 'i8' || precision === 'b1';

/** `auto`: the precision measured best for the embedder's dimensions (see `precisionFor`). */
export type IndexPrecisionSetting = 'auto' | IndexPrecision;

/**
 * From bench/index-scale.ts (docs/benchmarks.md), at 384 dimensions: an i8 index whose candidates are rescored
 * at f16 keeps recall@1 where f16 and f32 have it (real MiniLM embeddings: 0.997 at 100k, 0.995-1.000 at 1M)
 * with ~380 B less index per entry; i8 alone loses recall (0.983, 0.970). b1 rescored saves ~320 B more (1.46x
 * the raw bytes at 1M against i8's 1.65x), but at 1M found the nearest for only 0.950-0.993 of fresh
 * embedding-like queries (0.996 of real MiniLM ones): an operator's choice, not the default. Below 256
 * dimensions the graph's links are a larger share of each entry and a smaller vector saves little, so f32 stays.
 */
export function precisionFor(setting: IndexPrecisionSetting, dimensions: number): IndexPrecision {
  if (setting !== 'auto') return setting;
  return dimensions >= 256 ? 'i8' : 'f32';
}

/**
 * Whether an index saved at `saved` serves under this setting. `auto` also takes the f16 index it chose before
 * i8: the entries keep f16 copies under either, and inserting a million vectors again takes hours.
 */
export function servesAs(setting: IndexPrecisionSetting, dimensions: number, saved: IndexPrecision): boolean {
  const wanted = precisionFor(setting, dimensions);
  return saved === wanted || (setting === 'auto' && wanted === 'i8' && saved === 'f16');
}

const SCALAR: Record<IndexPrecision, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8, b1: ScalarKind.B1 };
export const BYTES_PER_VALUE: Record<IndexPrecision, number> = { f32: 4, f16: 2, i8: 1, b1: 1 / 8 };

const BYTES_PER_GRAPH_LINK = 8;
const CONNECTIVITY = 16;
/** The index is built with a small search beam; `search` widens it as the index grows (see `beamFor`). */
const BASE_EXPANSION_SEARCH = 8;

/**
 * usearch searches with a beam of max(expansion_search, k), so asking for more candidates widens the beam.
 * Measured with the built-in embedder on the paraphrase corpus, for queries whose true nearest entry is a hit
 * (similarity >= 0.78): beam 8 finds it every time in 1,000 entries (12 µs); 2,000 entries need 12 (0.999)
 * and 5,000 need 16 (0.995), at a third of the cost of a fixed beam of 64. bench/index-scale.ts covers
 * 10k-1M entries.
 */
function beamFor(size: number): number {
  if (size <= 1_000) return 8;
  if (size <= 2_000) return 12;
  if (size <= 5_000) return 16;
  if (size <= 20_000) return 32;
  if (size <= 50_000) return 64;
  return 128;
}

/** One HNSW index (usearch: cosine, Hamming at b1) per namespace; keys are entry ids. */
export class VectorIndex {
  readonly dimensions: number;
  readonly precision: IndexPrecision;
  #index: Index;

  constructor(dimensions: number, precision: IndexPrecision = 'f32') {
    this.dimensions = dimensions;
    this.precision = precision;
    this.#index = VectorIndex.#create(dimensions, precision);
  }

  static #create(dimensions: number, precision: IndexPrecision): Index {
    return new Index({
      dimensions,
      metric: precision === 'b1' ? MetricKind.Hamming : MetricKind.Cos,
      quantization: SCALAR[precision],
      connectivity: CONNECTIVITY,
      expansion_add: 128,
      expansion_search: BASE_EXPANSION_SEARCH,
      multi: false,
    });
  }

  /**
   * An index saved by `save`. usearch adopts whatever the file holds, and its header is not readable from
   * here: the caller must know the file was written with these dimensions and this precision (see
   * stores/index-file.ts, which records both beside it).
   */
  static load(path: string, dimensions: number, precision: IndexPrecision): VectorIndex {
    const index = new VectorIndex(dimensions, precision);
    index.#index.load(path);
    if (index.#index.dimensions() !== dimensions) {
      throw new Error(`index file ${path} has ${index.#index.dimensions()} dimensions, expected ${dimensions}`);
    }
    return index;
  }

  get size(): number {
    return this.#index.size();
  }

  /** Vectors plus the graph's links, roughly: usearch does not report its own allocation. */
  get approximateBytes(): number {
    return this.size * (this.dimensions * BYTES_PER_VALUE[this.precision] + CONNECTIVITY * 2 * BYTES_PER_GRAPH_LINK);
  }

  add(key: bigint, vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new Error(`vector has ${vector.length} dimensions, index has ${this.dimensions}`);
    }
    // usearch throws on a duplicate key: an update is a remove then an add.
    if (this.#index.contains(key)) this.#index.remove(key);
    this.#index.add(key, vector, 1);
  }

  /**
   * Many new keys at once (`vectors` is their rows end to end), on `threads` threads: how the benchmarks build
   * large indexes fast. Not for the cache itself: usearch 2.26.2's concurrent inserts leave a few nodes that no
   * search reaches (20 of 28,000 in 700-entry indexes on 2 threads; none on 1 thread or one add at a time).
   */
  addMany(keys: BigUint64Array, vectors: Float32Array, threads: number): void {
    if (vectors.length !== keys.length * this.dimensions) {
      throw new Error(`${vectors.length} values for ${keys.length} vectors of ${this.dimensions} dimensions`);
    }
    if (keys.length > 0) this.#index.add(keys, vectors, threads);
  }

  contains(key: bigint): boolean {
    return this.#index.contains(key) as boolean;
  }

  remove(key: bigint): void {
    if (this.#index.contains(key)) this.#index.remove(key);
  }

  search(vector: Float32Array, k: number): Neighbour[] {
    const size = this.size;
    if (size === 0 || k <= 0) return [];
    // Hamming distances are coarse and cheap: b1 looks twice as wide for the same candidates.
    const beam = this.precision === 'b1' ? 2 * beamFor(size) : beamFor(size);
    const found = this.#index.search(vector, Math.min(Math.max(k, beam), size), 1);
    // Hamming distance counts differing signs: 1 - 2h/d is the signs' correlation, a cosine's rough stand-in.
    const scale = this.precision === 'b1' ? 2 / this.dimensions : 1;
    const out: Neighbour[] = [];
    for (let i = 0; i < found.keys.length && i < k; i++) {
      out.push({ key: found.keys[i]!, similarity: 1 - scale * found.distances[i]! });
    }
    return out;
  }

  /** Writes the index to `path` (synchronously: the caller decides when a pause of that length is fine). */
  save(path: string): void {
    this.#index.save(path);
  }

  clear(): void {
    this.#index = VectorIndex.#create(this.dimensions, this.precision);
  }
}
