/**
 * The worker thread of the onnx-local embedder: tokenizer, ONNX run and pooling, off the event loop that serves
 * gRPC. Each batch's vectors go back as transferred buffers, not copies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { embedBatch, hiddenSize, loadPipeline, type Pipeline } from './onnx-pipeline.ts';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './onnx-worker-protocol.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const reply = (msg: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(msg, transfer);

let pipeline: Pipeline;
try {
  pipeline = await loadPipeline(setup.source, setup.threads);
} catch (err) {
  reply({ type: 'load-failed', message: (err as Error).message });
  process.exit(1);
}
const dims = setup.dimensions || hiddenSize(pipeline!) || 0;
reply({ type: 'ready', hiddenSize: hiddenSize(pipeline!) });

port.on('message', (req: WorkerRequest) => {
  embedBatch(pipeline, req.texts, { maxTokens: setup.maxTokens, dimensions: dims, tokenOutput: setup.tokenOutput, lengthRuns: setup.lengthRuns }).then(
    (vectors) => reply({ type: 'vectors', id: req.id, vectors }, vectors.map((v) => v.buffer as ArrayBuffer)),
    (err: unknown) => reply({ type: 'failed', id: req.id, message: (err as Error).message }),
  );
});
