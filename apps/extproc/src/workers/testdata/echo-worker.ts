/**
 * A model worker that echoes, reports a failed request on "fail", exits on "crash", never answers "hang" and
 * answers "slow" after holding its thread for 300 ms, as a long model run does.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EchoReply, EchoRequest } from './echo-protocol.ts';

const port = parentPort!;
if (workerData === 'no-model') {
  port.postMessage({ type: 'load-failed', message: 'no model here' } satisfies EchoReply);
  process.exit(1);
}
port.postMessage({ type: 'ready', greeting: String(workerData) } satisfies EchoReply);
port.on('message', (req: EchoRequest) => {
  if (req.text === 'crash') process.exit(3);
  if (req.text === 'hang') return;
  if (req.text === 'slow') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  port.postMessage(req.text === 'fail' ? { type: 'failed', id: req.id, message: 'cannot' } : { type: 'echo', id: req.id, text: req.text } satisfies EchoReply);
});
