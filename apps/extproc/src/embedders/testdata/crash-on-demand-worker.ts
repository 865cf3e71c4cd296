/** A worker that speaks the embedding worker's protocol and exits mid-batch on the text "crash". */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from '../onnx-worker-protocol.ts';

const port = parentPort!;
port.postMessage({ type: 'ready', hiddenSize: 2 } satisfies WorkerReply);
port.on('message', (req: WorkerRequest) => {
  if (req.texts.includes('crash')) process.exit(3);
  const vectors = req.texts.map((t) => new Float32Array([t.length, 1]));
  port.postMessage({ type: 'vectors', id: req.id, vectors } satisfies WorkerReply, vectors.map((v) => v.buffer));
});
