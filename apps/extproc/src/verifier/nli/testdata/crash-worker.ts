/** A worker that speaks the pair-model worker's protocol and exits mid-batch, as a crashed model would. */
import { parentPort } from 'node:worker_threads';
import type { PairWorkerReply } from '../../pair-model/pair-worker-protocol.ts';

const port = parentPort!;
port.postMessage({ type: 'ready' } satisfies PairWorkerReply);
port.on('message', () => process.exit(3));
