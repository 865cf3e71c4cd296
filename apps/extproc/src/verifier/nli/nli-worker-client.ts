import { ModelWorker, WorkerStoppedError } from '../../workers/model-worker.ts';
import type { NliPair } from './nli-pipeline.ts';
import type { NliWorkerReply, NliWorkerRequest, NliWorkerSetup } from './nli-worker-protocol.ts';

/**
 * One worker thread that scores batches of pairs. A crash rejects what it was running (the verifier refuses:
 * `verifier-failed`) and the next batch starts a fresh worker; so does a batch that runs longer than `stallMs`,
 * whose worker is ended: a model stuck in a run would otherwise turn every later verdict into a timeout. The
 * thread holds the process open only while it loads or runs a batch.
 */
export class NliWorker {
  readonly #worker: ModelWorker<NliWorkerRequest, NliWorkerReply>;

  constructor(url: URL, setup: NliWorkerSetup, stallMs: number) {
    this.#worker = new ModelWorker(url, setup, { name: 'NLI worker', stallMs });
  }

  /** Starts the worker if none runs; resolves once the model is loaded. */
  async start(): Promise<void> {
    await this.#worker.start();
  }

  async run(pairs: NliPair[]): Promise<Float32Array> {
    if (this.#worker.closed) throw new Error('NLI verifier is closed');
    let reply: Extract<NliWorkerReply, { readonly id: number }>;
    try {
      reply = await this.#worker.request({ pairs });
    } catch (err) {
      if (err instanceof WorkerStoppedError) throw new Error('NLI verifier: the worker stopped', { cause: err });
      throw err;
    }
    if (reply.type === 'scores') return reply.scores;
    throw new Error(`NLI verifier: ${reply.message}`);
  }

  close(): Promise<void> {
    return this.#worker.close();
  }
}
