import { Index, MetricKind, ScalarKind } from 'usearch';

export interface Neighbour {
  key: bigint;
  similarity: number;
}

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
      expansion_search: BASE_EXPANSION_SEARCH,
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
    const found = this.#index.search(vector, Math.min(Math.max(k, beamFor(size)), size), 1);
    const out: Neighbour[] = [];
    for (let i = 0; i < found.keys.length && i < k; i++) {
      out.push({ key: found.keys[i]!, similarity: 1 - found.distances[i]! });
    }
    return out;
  }

  clear(): void {
    this.#index = VectorIndex.#create(this.dimensions);
  }
}
