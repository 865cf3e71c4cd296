/**
 * The worker thread of a cross-encoder verifier (NLI or duplicate-question): tokenizer and ONNX run off the event
 * loop that serves gRPC. A message holds every pair the main thread gathered; each pair runs alone (see scoreEach).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPairPipeline, scoreEach, type PairPipeline } from './pair-pipeline.ts';
import type { PairWorkerReply, PairWorkerRequest, PairWorkerSetup } from './pair-worker-protocol.ts';

const setup = workerData as PairWorkerSetup;
const port = parentPort!;
const reply = (msg: PairWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

let pipeline: PairPipeline;
try {
  pipeline = await loadPairPipeline(setup.dir, setup.manifest, setup.threads);
} catch (err) {
  reply({ type: 'load-failed', message: (err as Error).message });
  process.exit(1);
}
reply({ type: 'ready' });

port.on('message', (req: PairWorkerRequest) => {
  scoreEach(pipeline, req.pairs).then(
    (scores) => reply({ type: 'scores', id: req.id, scores }, [scores.buffer as ArrayBuffer]),
    (err: unknown) => reply({ type: 'failed', id: req.id, message: (err as Error).message }),
  );
});
