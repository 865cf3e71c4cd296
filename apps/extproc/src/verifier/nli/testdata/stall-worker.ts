/** A worker that loads and then never answers, as a model stuck in a run would. */
import { parentPort } from 'node:worker_threads';
import type { PairWorkerReply } from '../../pair-model/pair-worker-protocol.ts';

const port = parentPort!;
port.postMessage({ type: 'ready' } satisfies PairWorkerReply);
port.on('message', () => {});
