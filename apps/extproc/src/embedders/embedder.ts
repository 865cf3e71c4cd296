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
  /**
   * False when the text is longer than the model's token window: its vector would describe only the first part,
   * so two long prompts with one beginning would match. Such a prompt gets the exact tier only.
   */
  fits?(text: string): boolean;
  close?(): Promise<void>;
}

export class EmbedderError extends Error {
  override name = 'EmbedderError';
  readonly kind: 'timeout' | 'unavailable' | 'bad-response';
  constructor(kind: EmbedderError['kind'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}
