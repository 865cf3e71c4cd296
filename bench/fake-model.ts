/**
 * The fake OpenAI-compatible model of bench/through-envoy.ts as its own process, so that the load generator
 * never shares its event loop: answers every request at once (or after MODEL_DELAY_MS), logs its port.
 *   node bench/fake-model.ts
 */
import { FakeUpstream } from '@semcache/testkit';

const delayMs = Number(process.env.MODEL_DELAY_MS ?? 0);
const model = await new FakeUpstream().start();
if (delayMs > 0) {
  model.handler = async (call) => {
    await new Promise((r) => setTimeout(r, delayMs));
    return model.answer(call);
  };
}
// FakeUpstream records every call for tests; under load that record would only grow.
setInterval(() => { model.calls.length = 0; }, 1000).unref();
process.stdout.write(`${JSON.stringify({ modelPort: model.port })}\n`);
process.on('SIGTERM', () => void model.close().then(() => process.exit(0)));
