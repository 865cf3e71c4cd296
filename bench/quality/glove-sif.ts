import type { EmbedderIdentity } from '@semcache/shared';
import { l2normalize, type Embedder } from '../../apps/extproc/src/embedders/embedder.ts';
import { tokenize } from '../../apps/extproc/src/embedders/builtin-hashed.ts';
import type { WordVectors } from './glove-vectors.ts';

/** SIF's smoothing constant (Arora et al. 2017): words more frequent than ~1e-3 are damped hard. */
const SIF_A = 1e-3;

/**
 * Smooth-inverse-frequency average of word vectors with the common component removed. Word probabilities come
 * from frequency rank through Zipf's law, since the vectors ship without counts.
 */
export class GloveSifEmbedder implements Embedder {
  readonly identity: EmbedderIdentity;
  readonly defaultThreshold: number;
  private readonly vectors: WordVectors;
  private readonly harmonic: number;
  private common: Float32Array | null = null;

  constructor(vectors: WordVectors, defaultThreshold = 0.8) {
    this.vectors = vectors;
    this.defaultThreshold = defaultThreshold;
    this.harmonic = Math.log(vectors.rank.size) + 0.5772;
    this.identity = { provider: 'bench', model: 'glove-sif-100d', version: '1', dimensions: vectors.dimensions };
  }

  /** Fits the common component (first principal direction, uncentred) on unlabelled prompts. */
  fitCommonComponent(texts: readonly string[]): void {
    this.common = null;
    const xs = texts.map((t) => this.weightedAverage(t));
    const d = this.vectors.dimensions;
    let u: Float32Array = new Float32Array(d).fill(1 / Math.sqrt(d));
    for (let iter = 0; iter < 50; iter++) {
      const next = new Float32Array(d);
      for (const x of xs) {
        const p = dot(x, u);
        for (let i = 0; i < d; i++) next[i] = next[i]! + p * x[i]!;
      }
      u = l2normalize(next);
    }
    this.common = u;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  embedOne(text: string): Float32Array {
    const v = this.weightedAverage(text);
    if (this.common) {
      const p = dot(v, this.common);
      for (let i = 0; i < v.length; i++) v[i] = v[i]! - p * this.common[i]!;
    }
    // A text with no known word has no direction: the zero vector is similar to nothing, a miss as in the engine.
    return v.every((x) => x === 0) ? v : l2normalize(v);
  }

  private weightedAverage(text: string): Float32Array {
    const d = this.vectors.dimensions;
    const v = new Float32Array(d);
    for (const word of tokenize(text).flatMap(splitClitics)) {
      const r = this.vectors.rank.get(word);
      if (r === undefined) continue;
      const p = 1 / ((r + 1) * this.harmonic);
      const w = SIF_A / (SIF_A + p);
      const base = r * d;
      for (let i = 0; i < d; i++) v[i] = v[i]! + w * this.vectors.data[base + i]!;
    }
    return v;
  }
}

/** GloVe's vocabulary splits "don't" into "do" + "n't" and "it's" into "it" + "'s". */
function splitClitics(word: string): string[] {
  if (word.endsWith("n't")) return [word.slice(0, -3), "n't"];
  const i = word.indexOf("'");
  return i > 0 ? [word.slice(0, i), word.slice(i)] : [word];
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
