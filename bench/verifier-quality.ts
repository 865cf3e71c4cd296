/**
 * Hit quality with and without the learned verifier, per embedder, on the `validation` part of the outside pairs
 * (never trained or tuned on). Pairwise, as a cache meets them: `a` alone is stored in an empty namespace of a
 * real CacheEngine, `b` is asked, and the engine decides (threshold, guard, verifier). Embeddings come from
 * bench/verifier/pair-data.ts (the embedder's vectors, cached for slow embedders) and are replayed, so the
 * engine and the verifier see what the embedder would give them.
 *
 *   node bench/verifier-quality.ts                 # built-in embedder, plus the ONNX model where installed
 *   node bench/verifier-quality.ts --quick         # 400 validation pairs, built-in embedder only (CI smoke)
 *   node bench/verifier-quality.ts --validation N  # a fixed sample of N validation pairs for the ONNX model
 *   node bench/verifier-quality.ts --nli N         # only the NLI cross-encoder beside the learned one, on fixed
 *                                                  # samples of N tune and N validation pairs (bench/verifier/cross-encoder-rows.ts)
 *   node bench/verifier-quality.ts --cross-encoder [N]  # the same for the duplicate-question cross-encoder, with and
 *                                                  # without the guard; all tune and validation pairs without N
 *
 * A second table shows other operating points: settings chosen on the `tune` part for a target (a false-hit
 * rate, or a recall), then measured on validation with the same decision (threshold, guard, verifier score).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EmbedderConfigSchema, type EmbedderIdentity } from '@semcache/shared';
import { loadConfig } from '../apps/extproc/src/config/load-config.ts';
import { CacheEngine, candidateThreshold } from '../apps/extproc/src/cache/cache-engine.ts';
import { createEmbedder } from '../apps/extproc/src/embedders/create-embedder.ts';
import type { Embedder } from '../apps/extproc/src/embedders/embedder.ts';
import { checkFalseHit } from '../apps/extproc/src/guard/false-hit-guard.ts';
import { PairClassifier } from '../apps/extproc/src/verifier/pair-classifier.ts';
import type { Verifier } from '../apps/extproc/src/verifier/verifier.ts';
import { markdownTable } from './lib/markdown-table.ts';
import { loadOutsidePairs, type OutsidePair } from './quality/outside-split.ts';
import { bestSettings, quality, settingsForRecall, type PairRecord, type Quality } from './verifier/decision.ts';
import { embedPairs, guardAllows, samplePairs, type EmbeddedPair } from './verifier/pair-data.ts';
import { crossEncoderSpec, crossEncoderTables, NLI_SPEC, type CrossEncoderSpec } from './verifier/cross-encoder-rows.ts';

const quick = process.argv.includes('--quick');
const at = process.argv.indexOf('--validation');
const onnxSample = at < 0 ? undefined : Number(process.argv[at + 1]);
const ONNX_DIR = process.env.EMBEDDING_MODEL_DIR ?? join(import.meta.dirname, '..', 'models', 'all-minilm-l6-v2-int8');

/** Replays the embedder's vectors of the pairs (cached for slow embedders), so the engine sees what it would give. */
class ReplayEmbedder implements Embedder {
  readonly identity: EmbedderIdentity;
  readonly defaultThreshold: number;
  readonly #vectors = new Map<string, Float32Array>();
  constructor(identity: EmbedderIdentity, defaultThreshold: number, pairs: readonly EmbeddedPair[]) {
    this.identity = identity;
    this.defaultThreshold = defaultThreshold;
    for (const { pair, vectors } of pairs) {
      this.#vectors.set(pair.b, vectors[0]);
      this.#vectors.set(pair.a, vectors[1]);
    }
  }
  /** A fresh copy per call, as a real embedder gives: nothing the verifier keeps per vector carries over. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => Float32Array.from(this.#vectors.get(t)!));
  }
}

/** Times every verdict: the latency the verifier adds to a lookup that reaches it. */
class TimedVerifier implements Verifier {
  readonly micros: number[] = [];
  readonly #inner: Verifier;
  constructor(inner: Verifier) { this.#inner = inner; }
  get id() { return this.#inner.id; }
  get tuned() { return this.#inner.tuned; }
  score(input: Parameters<Verifier['score']>[0]): number {
    const t0 = performance.now();
    const s = this.#inner.score(input) as number;
    this.micros.push((performance.now() - t0) * 1000);
    return s;
  }
}

interface Row { embedder: string; setup: string; threshold: number; verifierThreshold: number | null; recall: number; precision: number; fhr: number; p50: number | null; p99: number | null }

const pct = (xs: number[], p: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};

async function run(real: Embedder, pairs: readonly OutsidePair[], verifierOn: boolean): Promise<Row> {
  const replay = new ReplayEmbedder(real.identity, real.defaultThreshold, await embedPairs(real, pairs));
  const verifier = new TimedVerifier(PairClassifier.forEmbedder(real.identity));
  const config = loadConfig({}, { 'defaults.verifier': verifierOn, 'defaults.verifierTimeoutMs': 1000, 'lookupLog.capacity': 10 });
  const engine = new CacheEngine({ config, embedder: replay, guard: checkFalseHit, verifier });
  const partition = { model: 'bench', tenant: null };
  const req = (prompt: string) => ({ partition, endpoint: 'chat' as const, prompt, fingerprint: 'fp', mode: 'normal' as const });
  let tp = 0, fp = 0, pos = 0, neg = 0;
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    const first = await engine.lookup(req(p.a));
    if (first.kind === 'miss' && first.pending) engine.store(first.pending, { response: '{}', contentType: 'application/json', usage: null });
    const r = await engine.lookup(req(p.b));
    if (p.same) pos++;
    else neg++;
    if (r.kind === 'hit') {
      if (p.same) tp++;
      else fp++;
    }
    // A fresh index for the next pair: the namespace is empty again, as the pairwise method wants.
    engine.namespaces.find('bench')?.clear();
  }
  const s = engine.namespaces.settingsFor('bench');
  return {
    embedder: `${real.identity.provider}/${real.identity.model}`, setup: verifierOn ? 'guard + verifier' : 'guard',
    threshold: candidateThreshold(s, verifierOn), verifierThreshold: verifierOn ? s.verifierThreshold ?? null : null,
    recall: tp / pos, precision: tp + fp === 0 ? 1 : tp / (tp + fp), fhr: fp / neg,
    p50: verifierOn ? pct(verifier.micros, 0.5) : null, p99: verifierOn ? pct(verifier.micros, 0.99) : null,
  };
}

/** The pairs as records the decision reads: similarity, the guard's verdict, the verifier's score. */
async function records(real: Embedder, pairs: readonly OutsidePair[]): Promise<PairRecord[]> {
  const verifier = PairClassifier.forEmbedder(real.identity);
  return (await embedPairs(real, pairs)).map(({ pair, similarity, vectors: [queryVector, candidateVector] }) => ({
    same: pair.same, similarity, guardOk: guardAllows(pair),
    score: verifier.score({ query: pair.b, candidate: pair.a, similarity, queryVector, candidateVector }),
  }));
}

const TARGETS: { label: string; choose: (rs: PairRecord[], verifier: boolean) => Quality }[] = [
  { label: 'false-hit rate ≤ 0.01', choose: (rs, verifier) => bestSettings(rs, 0.01, { verifier }) },
  { label: 'false-hit rate ≤ 0.02', choose: (rs, verifier) => bestSettings(rs, 0.02, { verifier }) },
  { label: 'false-hit rate ≤ 0.05', choose: (rs, verifier) => bestSettings(rs, 0.05, { verifier }) },
  { label: 'recall ≥ 0.7', choose: (rs, verifier) => settingsForRecall(rs, 0.7, { verifier }) },
];

const validation = loadOutsidePairs({ parts: ['validation'] });
/** `--nli N` or `--cross-encoder [N]`: the cross-encoder's tables only, on samples of N tune and N validation pairs. */
async function crossEncoderOnly(spec: CrossEncoderSpec, n: number | undefined): Promise<never> {
  const embedder = await createEmbedder(EmbedderConfigSchema.parse(existsSync(join(ONNX_DIR, 'onnx', 'model.onnx')) ? { provider: 'onnx', modelDir: ONNX_DIR } : { provider: 'builtin' }));
  console.log(await crossEncoderTables(spec, embedder, samplePairs(loadOutsidePairs({ parts: ['tune'] }), n), samplePairs(validation, n)));
  await embedder.close?.();
  process.exit(0);
}
const nliAt = process.argv.indexOf('--nli');
if (nliAt >= 0) await crossEncoderOnly(NLI_SPEC, Number(process.argv[nliAt + 1]));
const crossAt = process.argv.indexOf('--cross-encoder');
if (crossAt >= 0) {
  const n = process.argv[crossAt + 1];
  await crossEncoderOnly(crossEncoderSpec(), n === undefined || n.startsWith('--') ? undefined : Number(n));
}
const embedders: { embedder: Embedder; pairs: OutsidePair[] }[] = [
  { embedder: await createEmbedder(EmbedderConfigSchema.parse({ provider: 'builtin' })), pairs: samplePairs(validation, quick ? 400 : undefined) },
];
if (!quick && existsSync(join(ONNX_DIR, 'onnx', 'model.onnx'))) {
  embedders.push({ embedder: await createEmbedder(EmbedderConfigSchema.parse({ provider: 'onnx', modelDir: ONNX_DIR })), pairs: samplePairs(validation, onnxSample) });
}

const rows: Row[] = [];
const points: string[][] = [];
for (const { embedder, pairs } of embedders) {
  for (const on of [false, true]) rows.push(await run(embedder, pairs, on));
  if (!quick) {
    const tune = await records(embedder, loadOutsidePairs({ parts: ['tune'] }));
    const valid = await records(embedder, pairs);
    for (const target of TARGETS) {
      for (const on of [false, true]) {
        const chosen = target.choose(tune, on);
        const q = quality(valid, chosen.threshold, on ? chosen.verifierThreshold : 0);
        points.push([`${embedder.identity.provider}/${embedder.identity.model}`, target.label, on ? 'guard + verifier' : 'guard',
          chosen.threshold.toFixed(2), on ? chosen.verifierThreshold.toFixed(2) : '', q.recall.toFixed(3), q.precision.toFixed(3), q.falseHitRate.toFixed(4)]);
      }
    }
  }
  await embedder.close?.();
}
const f = (x: number | null, digits = 3) => (x === null ? '' : x.toFixed(digits));
console.log(`Outside validation pairs (QQP + SICK, never trained or tuned on): ${embedders.map((e) => `${e.embedder.identity.model} ${e.pairs.length}`).join(', ')}; ` +
  `positives ${embedders[0]!.pairs.filter((p) => p.same).length} in the built-in set\n`);
console.log(markdownTable(
  ['embedder', 'setup', 'threshold', 'verifier threshold', 'recall', 'precision', 'false-hit rate', 'verifier p50 µs', 'verifier p99 µs'],
  rows.map((r) => [r.embedder, r.setup, f(r.threshold, 2), f(r.verifierThreshold, 2), f(r.recall), f(r.precision), f(r.fhr, 4), f(r.p50, 1), f(r.p99, 1)]),
  [2, 3, 4, 5, 6, 7, 8],
));
if (points.length > 0) {
  console.log('\nOther operating points: chosen on tune for the target, measured on the same validation pairs\n');
  console.log(markdownTable(['embedder', 'target on tune', 'setup', 'threshold', 'verifier threshold', 'recall', 'precision', 'false-hit rate'], points, [3, 4, 5, 6, 7]));
}
