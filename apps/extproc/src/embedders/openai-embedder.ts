import { postJson, toVectors } from './post-json.ts';
import { RemoteEmbedder } from './remote-embedder.ts';
import { EmbedderError } from './embedder.ts';

export interface OpenAiEmbedderOptions {
  url: string;
  model: string;
  apiKey?: string | undefined;
  dimensions?: number | undefined;
  timeoutMs: number;
}

/** Any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, vLLM, Ollama, LiteLLM...). */
export class OpenAiEmbedder extends RemoteEmbedder {
  readonly #opts: OpenAiEmbedderOptions;

  constructor(opts: OpenAiEmbedderOptions) {
    super('openai', opts.model, opts.dimensions);
    this.#opts = opts;
  }

  protected async request(texts: readonly string[], maxResponseBytes: number): Promise<Float32Array[]> {
    const doc = await postJson({
      url: this.#opts.url,
      body: { model: this.#opts.model, input: texts },
      timeoutMs: this.#opts.timeoutMs, maxResponseBytes,
      headers: this.#opts.apiKey ? { authorization: `Bearer ${this.#opts.apiKey}` } : {},
    });
    const data = (doc as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new EmbedderError('bad-response', 'no data[] in the embeddings answer');
    const ordered = [...data].sort((a, b) => ((a as { index?: number }).index ?? 0) - ((b as { index?: number }).index ?? 0));
    return toVectors(ordered.map((d) => (d as { embedding?: unknown }).embedding), texts.length);
  }
}
