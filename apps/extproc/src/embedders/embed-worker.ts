import { ModelWorker } from '../workers/model-worker.ts';
import { EmbedderError } from './embedder.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './onnx-worker-protocol.ts';

/**
 * One worker thread that embeds batches. A crash rejects what it was running as `unavailable` (a miss) and the
 * next batch starts a fresh worker; the thread holds the process open only while it loads or runs a batch.
 */
export class EmbedWorker {
  readonly #worker: ModelWorker<WorkerRequest, WorkerReply>;

  constructor(url: URL, setup: WorkerSetup) {
    this.#worker = new ModelWorker(url, setup, { name: 'embedding worker' });
  }

  /** Starts the worker if none runs; resolves with config.json's hidden_size once the model is loaded. */
  async start(): Promise<number | undefined> {
    return (await this.#worker.start()).hiddenSize;
  }

  async run(texts: string[]): Promise<Float32Array[]> {
    if (this.#worker.closed) throw new EmbedderError('unavailable', 'onnx-local embedder is closed');
    let reply: Extract<WorkerReply, { readonly id: number }>;
    try {
      reply = await this.#worker.request({ texts });
    } catch (err) {
      throw new EmbedderError('unavailable', `onnx-local embedder: ${(err as Error).message}`, { cause: err });
    }
    if (reply.type === 'vectors') return reply.vectors;
    throw new EmbedderError('bad-response', `onnx-local embedder: ${reply.message}`);
  }

  close(): Promise<void> {
    return this.#worker.close();
  }
}
