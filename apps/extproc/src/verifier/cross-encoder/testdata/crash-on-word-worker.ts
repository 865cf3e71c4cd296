/**
 * The real pair-model worker, except that a batch holding the word CRASH ends the thread first, as a model that
 * crashes on one input would: the next batch needs a fresh worker that really scores.
 */
import { parentPort } from 'node:worker_threads';
import type { PairWorkerRequest } from '../../pair-model/pair-worker-protocol.ts';

// Registered before the real worker's listener, so it runs first and the batch is never scored.
parentPort!.on('message', (req: PairWorkerRequest) => {
  if (req.pairs.some((p) => `${p.first} ${p.second}`.includes('CRASH'))) process.exit(3);
});
await import('../../pair-model/pair-worker.ts');
