/** A worker that speaks the NLI worker's protocol and exits mid-batch, as a crashed model would. */
import { parentPort } from 'node:worker_threads';
import type { NliWorkerReply } from '../nli-worker-protocol.ts';

const port = parentPort!;
port.postMessage({ type: 'ready' } satisfies NliWorkerReply);
port.on('message', () => process.exit(3));
