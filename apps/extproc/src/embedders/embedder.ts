import type { EmbedderIdentity } from '@semcache/shared';

/**
 * Turns texts into unit-length vectors. Implementations never cache and never retry: the cache engine
 * decides what a failure means (a miss), and the `timeoutMs` of a remote embedder bounds every call.
 */
export interface Embedder {
  readonly identity: EmbedderIdentity;
  /** The threshold measured best for this embedder by bench/hit-quality; a namespace uses it unless configured. */
  readonly defaultThreshold: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Gets ready before the cache loads (a remote embedder learns its dimensions); may fail, embed retries. */
  start?(): Promise<void>;
  /**
   * False when the text is longer than the model's token window: its vector would describe only the first part,
   * so two long prompts with one beginning would match. Such a prompt gets the exact tier only.
   */
  fits?(text: string): boolean;
  close?(): Promise<void>;
}

export class EmbedderError extends Error {
  override name = 'EmbedderError';
  /** `degenerate`: a vector with a non-finite value or of length zero, which cosine would match to anything. */
  readonly kind: 'timeout' | 'unavailable' | 'bad-response' | 'degenerate';
  constructor(kind: EmbedderError['kind'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

/**
 * Scales a vector to unit length in place. A non-finite value (a number beyond Float32 becomes Infinity) or a
 * zero vector has no direction: normalised it would be NaN, at cosine distance 0 from every vector.
 */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!Number.isFinite(norm)) throw new EmbedderError('degenerate', 'the embedding has a value that is not a finite Float32');
  if (norm === 0) throw new EmbedderError('degenerate', 'the embedding is a zero vector');
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/** Whether a vector read back from storage is a usable unit vector (older versions could store NaN ones). */
export function isUnitVector(v: Iterable<number>): boolean {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.abs(sum - 1) < 1e-3;
}
