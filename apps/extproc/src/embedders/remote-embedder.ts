import type { EmbedderIdentity } from '@semcache/shared';
import type { Embedder } from './embedder.ts';
import { EmbedderError, l2normalize } from './embedder.ts';

/** Remote models differ too much for one measured default; operators should tune with the dashboard. */
const REMOTE_DEFAULT_THRESHOLD = 0.9;

/** Embedded once to learn the dimensions when they are not configured. */
const PROBE_TEXT = 'semcache dimension probe';

/**
 * An embedder behind HTTP. The dimensions come from configuration or from a probe (one fixed text, at
 * start-up or, if the model server was down then, before the next request): never from a request's answer,
 * so one bad answer cannot decide the size of every vector after it. An answer of another size is an error.
 */
export abstract class RemoteEmbedder implements Embedder {
  readonly defaultThreshold = REMOTE_DEFAULT_THRESHOLD;
  readonly #provider: string;
  readonly #model: string;
  #dimensions: number;
  #probing: Promise<void> | null = null;

  constructor(provider: string, model: string, dimensions = 0) {
    this.#provider = provider;
    this.#model = model;
    this.#dimensions = dimensions;
  }

  get identity(): EmbedderIdentity {
    return { provider: this.#provider, model: this.#model, version: '1', dimensions: this.#dimensions };
  }

  protected abstract request(texts: readonly string[]): Promise<Float32Array[]>;

  /** Learns the dimensions unless configured; throws when the model server cannot answer the probe. */
  start(): Promise<void> {
    if (this.#dimensions > 0) return Promise.resolve();
    this.#probing ??= this.request([PROBE_TEXT]).then(([v]) => {
      if (!v) throw new EmbedderError('bad-response', 'the dimension probe got no vector');
      l2normalize(v);
      this.#dimensions = v.length;
    }).finally(() => { this.#probing = null; });
    return this.#probing;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    await this.start();
    const vectors = await this.request(texts);
    for (const v of vectors) {
      if (v.length !== this.#dimensions) {
        throw new EmbedderError('bad-response', `embedder returned ${v.length} dimensions, expected ${this.#dimensions}`);
      }
      l2normalize(v);
    }
    return vectors;
  }
}
