import type { FalseHitGuard } from '../cache/cache-engine.ts';
import type { Embedder } from '../embedders/embedder.ts';
import { inChildSpan } from './spans.ts';

/** The embedder with a child span per call; its identity is read through, as a remote one learns its size late. */
export class TracedEmbedder implements Embedder {
  readonly #inner: Embedder;

  constructor(inner: Embedder) {
    this.#inner = inner;
  }

  get identity() {
    return this.#inner.identity;
  }

  get defaultThreshold() {
    return this.#inner.defaultThreshold;
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    return inChildSpan('semcache.embedding', (span) => {
      span?.setAttributes({ 'semcache.embedder': `${this.#inner.identity.provider}/${this.#inner.identity.model}`, 'semcache.texts': texts.length });
      return this.#inner.embed(texts);
    });
  }

  async start(): Promise<void> {
    await this.#inner.start?.();
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }
}

/** The false-hit guard with a child span per candidate it judges, and its verdict. */
export function tracedGuard(guard: FalseHitGuard): FalseHitGuard {
  return (query, candidate) => inChildSpan('semcache.guard', (span) => {
    const reason = guard(query, candidate);
    span?.setAttribute('semcache.guard.verdict', reason ?? 'pass');
    return reason;
  });
}
