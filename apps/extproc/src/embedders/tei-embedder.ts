import { postJson, toVectors } from './post-json.ts';
import { RemoteEmbedder } from './remote-embedder.ts';

export interface TeiEmbedderOptions {
  url: string;
  model: string;
  dimensions?: number | undefined;
  timeoutMs: number;
}

/** Hugging Face text-embeddings-inference: POST /embed `{"inputs": [...]}` -> `[[...]]`. */
export class TeiEmbedder extends RemoteEmbedder {
  readonly #opts: TeiEmbedderOptions;

  constructor(opts: TeiEmbedderOptions) {
    super('tei', opts.model, opts.dimensions);
    this.#opts = opts;
  }

  protected async request(texts: readonly string[], maxResponseBytes: number): Promise<Float32Array[]> {
    const doc = await postJson({ url: this.#opts.url, body: { inputs: texts, normalize: true }, timeoutMs: this.#opts.timeoutMs, maxResponseBytes });
    return toVectors(doc, texts.length);
  }
}
