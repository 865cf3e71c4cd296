/**
 * Closes the committed cross-encoder six times with verdicts in flight; prints "ok" if it lived and each verdict
 * was a score or a clean refusal (those still waiting to be sent when it closed are refused).
 */
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from '../cross-encoder-verifier.ts';

for (let round = 0; round < 6; round++) {
  const v = await CrossEncoderVerifier.load({ dir: DEFAULT_CROSS_ENCODER_DIR });
  const verdicts = Promise.allSettled(Array.from({ length: 24 }, (_, i) => v.score({ query: `how do I do thing ${i}`, candidate: 'how do I do thing', similarity: 1 })));
  await new Promise((r) => setTimeout(r, 20));
  await v.close();
  for (const r of await verdicts) {
    const clean = r.status === 'fulfilled' ? r.value >= 0 && r.value <= 1 : r.reason instanceof Error;
    if (!clean) throw new Error(`a verdict neither scored nor refused: ${String(r.status === 'fulfilled' ? r.value : r.reason)}`);
  }
}
console.log('ok');
