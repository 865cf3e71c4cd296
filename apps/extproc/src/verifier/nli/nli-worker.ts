/**
 * The worker thread of the NLI verifier: tokenizer and ONNX run off the event loop that serves gRPC. A message
 * holds every pair the main thread gathered; each pair runs alone (see scoreEach).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadNliPipeline, scoreEach, type NliPipeline } from './nli-pipeline.ts';
import type { NliWorkerReply, NliWorkerRequest, NliWorkerSetup } from './nli-worker-protocol.ts';

const setup = workerData as NliWorkerSetup;
const port = parentPort!;
const reply = (msg: NliWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

let pipeline: NliPipeline;
try {
  pipeline = await loadNliPipeline(setup.dir, setup.threads);
} catch (err) {
  reply({ type: 'load-failed', message: (err as Error).message });
  process.exit(1);
}
reply({ type: 'ready' });

port.on('message', (req: NliWorkerRequest) => {
  scoreEach(pipeline, req.pairs).then(
    (scores) => reply({ type: 'scores', id: req.id, scores }, [scores.buffer as ArrayBuffer]),
    (err: unknown) => reply({ type: 'failed', id: req.id, message: (err as Error).message }),
  );
});
