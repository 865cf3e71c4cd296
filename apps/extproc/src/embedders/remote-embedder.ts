import type { EmbedderIdentity } from '@semcache/shared';
import type { Embedder } from './embedder.ts';
import { EmbedderError, l2normalize } from './embedder.ts';

/** Remote models differ too much for one measured default; operators should tune with the dashboard. */
const REMOTE_DEFAULT_THRESHOLD = 0.9;

/** The longest a number can be in JSON (`-1.2345678901234567e-123,`), and room for the rest of an answer. */
const BYTES_PER_VALUE = 26;
const ANSWER_SLACK_BYTES = 64 * 1024;
/** The largest configurable vector: the cap of a probe, whose dimensions are not known yet. */
const MAX_DIMENSIONS = 65_536;

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

  /** Asks the model server; an answer over maxResponseBytes is an error. */
  protected abstract request(texts: readonly string[], maxResponseBytes: number): Promise<Float32Array[]>;

  /** What an answer of this many vectors can take, so that a runaway server cannot fill the memory. */
  #answerLimit(count: number): number {
    return count * (this.#dimensions || MAX_DIMENSIONS) * BYTES_PER_VALUE + ANSWER_SLACK_BYTES;
  }

  /** Learns the dimensions unless configured; throws when the model server cannot answer the probe. */
  start(): Promise<void> {
    if (this.#dimensions > 0) return Promise.resolve();
    this.#probing ??= this.request([PROBE_TEXT], this.#answerLimit(1)).then(([v]) => {
      if (!v) throw new EmbedderError('bad-response', 'the dimension probe got no vector');
      l2normalize(v);
      this.#dimensions = v.length;
    }).finally(() => { this.#probing = null; });
    return this.#probing;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    await this.start();
    const vectors = await this.request(texts, this.#answerLimit(texts.length));
    for (const v of vectors) {
      if (v.length !== this.#dimensions) {
        throw new EmbedderError('bad-response', `embedder returned ${v.length} dimensions, expected ${this.#dimensions}`);
      }
      l2normalize(v);
    }
    return vectors;
  }
}
