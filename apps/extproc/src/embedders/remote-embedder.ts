import type { EmbedderIdentity } from '@semcache/shared';
import type { Embedder } from './embedder.ts';
import { l2normalize } from './embedder.ts';

/** Remote models differ too much for one measured default; operators should tune with the dashboard. */
const REMOTE_DEFAULT_THRESHOLD = 0.9;

/**
 * An embedder behind HTTP. The dimensions are learned from the first answer unless configured, and a
 * change of dimensions later is an error rather than vectors silently compared across models.
 */
export abstract class RemoteEmbedder implements Embedder {
  readonly defaultThreshold = REMOTE_DEFAULT_THRESHOLD;
  readonly #provider: string;
  readonly #model: string;
  #dimensions: number;

  constructor(provider: string, model: string, dimensions = 0) {
    this.#provider = provider;
    this.#model = model;
    this.#dimensions = dimensions;
  }

  get identity(): EmbedderIdentity {
    return { provider: this.#provider, model: this.#model, version: '1', dimensions: this.#dimensions };
  }

  protected abstract request(texts: readonly string[]): Promise<Float32Array[]>;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const vectors = await this.request(texts);
    for (const v of vectors) {
      if (this.#dimensions === 0) this.#dimensions = v.length;
      else if (v.length !== this.#dimensions) {
        throw new Error(`embedder returned ${v.length} dimensions, expected ${this.#dimensions}`);
      }
      l2normalize(v);
    }
    return vectors;
  }
}
