/** A worker that loads and then never answers, as a model stuck in a run would. */
import { parentPort } from 'node:worker_threads';
import type { NliWorkerReply } from '../nli-worker-protocol.ts';

const port = parentPort!;
port.postMessage({ type: 'ready' } satisfies NliWorkerReply);
port.on('message', () => {});
