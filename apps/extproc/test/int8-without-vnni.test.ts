import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CrossEncoderVerifier, DEFAULT_CROSS_ENCODER_DIR } from '../src/verifier/cross-encoder/cross-encoder-verifier.ts';
import { DEFAULT_NLI_MODEL } from '../src/embedders/model-catalog.ts';

/**
 * An AVX2 CPU without AVX-512 (what the CI machine that failed the NLI reference was), emulated by Debian's
 * qemu-user: onnxruntime picks its kernels from what CPUID reports, so the emulated process runs the kernels
 * such a machine runs, whatever CPU runs these tests.
 */
const QEMU = ['qemu-x86_64', '-cpu', 'EPYC-Rome'];
const CHILD = join(import.meta.dirname, 'int8-cpu-child.ts');

function onAvx2Cpu(...args: string[]): unknown {
  const run = spawnSync(QEMU[0]!, [...QEMU.slice(1), process.execPath, CHILD, ...args], { encoding: 'utf8', timeout: 300_000, cwd: import.meta.dirname });
  assert.equal(run.status, 0, `${QEMU.join(' ')} ${args[0]}: ${run.error?.message ?? ''}${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

interface Reference { a: string; b: string; ab: number; ba: number }
const REFERENCE = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'src', 'verifier', 'nli', 'testdata', 'nli-reference.json'), 'utf8')) as Record<string, Reference[]>)[DEFAULT_NLI_MODEL]!;
const NEGATION = REFERENCE.find((r) => r.b.includes(' not '))!;
const PARAPHRASE = REFERENCE[0]!;

describe('int8 models on a CPU without AVX-512 VNNI (emulated)', () => {
  it('the emulated CPU saturates products with signed weights; with unsigned ones they are exact', () => {
    const { signed, unsigned, exact } = onAvx2Cpu('matmul') as Record<string, number[]>;
    assert.notDeepEqual(signed, exact, 'the emulated CPU runs the saturating kernel, or this test shows nothing');
    assert.deepEqual(unsigned, exact);
  });

  it('the installed NLI model scores the reference pairs as the reference machine did, and refuses the negation', () => {
    const scores = onAvx2Cpu('nli', JSON.stringify([NEGATION, PARAPHRASE].map((r) => [r.a, r.b]))) as number[];
    assert.deepEqual(scores.map((s) => s.toFixed(3)), [NEGATION, PARAPHRASE].map((r) => Math.min(r.ab, r.ba).toFixed(3)));
    assert.ok(scores[0]! < 0.05, `the negation scores ${scores[0]}`);
  });

  it('the committed cross-encoder scores as it does on this CPU', async () => {
    const pairs: [string, string][] = [['What is Kubernetes', 'Kubernetes what is it anyway'], ['How do I bake bread at home?', 'What is diabetes?']];
    const verifier = await CrossEncoderVerifier.load({ dir: DEFAULT_CROSS_ENCODER_DIR });
    const here: number[] = [];
    for (const [query, candidate] of pairs) here.push(await verifier.score({ query, candidate, similarity: 0.9 }));
    await verifier.close();
    const emulated = onAvx2Cpu('cross-encoder', JSON.stringify(pairs)) as number[];
    emulated.forEach((s, i) => assert.ok(Math.abs(s - here[i]!) < 1e-3, `${pairs[i]!.join(' / ')}: ${s} there, ${here[i]} here`));
  });
});
