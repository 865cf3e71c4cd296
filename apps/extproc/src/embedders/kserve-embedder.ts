import { postJson, toVectors } from './post-json.ts';
import { RemoteEmbedder } from './remote-embedder.ts';

export interface KServeEmbedderOptions {
  url: string;
  host?: string | undefined;
  model: string;
  dimensions?: number | undefined;
  timeoutMs: number;
}

/** KServe's v1 protocol: `{"instances": [...]}` -> `{"predictions": [[...]]}`, routed by Host header. */
export class KServeEmbedder extends RemoteEmbedder {
  readonly #opts: KServeEmbedderOptions;

  constructor(opts: KServeEmbedderOptions) {
    super('kserve', opts.model, opts.dimensions);
    this.#opts = opts;
  }

  protected async request(texts: readonly string[], maxResponseBytes: number): Promise<Float32Array[]> {
    const doc = await postJson({ url: this.#opts.url, host: this.#opts.host, body: { instances: texts }, timeoutMs: this.#opts.timeoutMs, maxResponseBytes });
    return toVectors((doc as { predictions?: unknown }).predictions, texts.length);
  }
}
