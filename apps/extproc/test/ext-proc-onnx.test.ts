/**
 * The default embedder through the real ext_proc path: `auto` picks the installed model, paraphrases hit, the
 * admin API shows which embedder is active, and prompts past the token window get the exact tier only.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedder } from '../src/embedders/create-embedder.ts';
import { DEFAULT_MODEL, modelsRoot } from '../src/embedders/model-catalog.ts';
import { startHarness, type Harness } from './harness.ts';

const INSTALLED = join(modelsRoot(), DEFAULT_MODEL);

describe('EMBEDDER=auto with the model installed', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ 'embedder.provider': 'auto' }); });
  after(() => h.close());

  it('serves a paraphrase from the neural model and names it in /api/namespaces', async () => {
    assert.equal(h.server.engine.embedder.identity.model, DEFAULT_MODEL);
    await h.chat('How do I reset my password?');
    const hit = await h.chat('I forgot my password, how do I change it?');
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
    const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/api/namespaces`);
    assert.equal(res.status, 200);
    const body = await res.json() as { items: { embedder: { provider: string; model: string } }[] };
    assert.deepEqual(body.items.map((n) => n.embedder.model), [DEFAULT_MODEL]);
  });

  it('two long prompts with one beginning never share an answer; a long prompt repeated is an exact hit', async () => {
    const prefix = Array.from({ length: 300 }, (_, i) => `clause${i % 40}`).join(' ');
    await h.chat(`${prefix} Summarise this contract.`);
    const other = await h.chat(`${prefix} List the parties of this contract.`);
    assert.equal(other.headers['x-semantic-cache'], 'miss');
    const repeat = await h.chat(`${prefix} Summarise this contract.`);
    assert.equal(repeat.headers['x-semantic-cache'], 'hit-exact');
    const reasons = h.server.engine.log.recent().map((e) => e.reason);
    assert.ok(reasons.filter((r) => r === 'too-long').length >= 2, `reasons: ${reasons.join(', ')}`);
    const metrics = await (await fetch(`http://127.0.0.1:${h.server.httpPort}/metrics`)).text();
    assert.match(metrics, /semcache_semantic_skips_total\{reason="too-long"\} [2-9]/);
  });
});

describe('EMBEDDER=auto without a usable model', () => {
  const saved = process.env.SEMCACHE_MODELS_DIR;
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'semcache-models-'));
    process.env.SEMCACHE_MODELS_DIR = root;
  });
  after(() => {
    if (saved === undefined) delete process.env.SEMCACHE_MODELS_DIR;
    else process.env.SEMCACHE_MODELS_DIR = saved;
    rmSync(root, { recursive: true, force: true });
  });
  const logger = () => {
    const lines: string[] = [];
    return { lines, log: { info: (_: object, m: string) => lines.push(`info ${m}`), warn: (_: object, m: string) => lines.push(`warn ${m}`) } };
  };

  it('falls back to the builtin and says so once', async () => {
    const { lines, log } = logger();
    const e = await createEmbedder({ provider: 'auto' }, log);
    assert.equal(e.identity.provider, 'builtin');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^warn .*no local model installed.*builtin/);
  });

  it('a broken installed model falls back too, with the path in the warning', async () => {
    const src = INSTALLED;
    const dir = join(root, DEFAULT_MODEL);
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    for (const f of readdirSync(src)) if (f !== 'onnx') copyFileSync(join(src, f), join(dir, f));
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a model');
    const { lines, log } = logger();
    const e = await createEmbedder({ provider: 'auto' }, log);
    assert.equal(e.identity.provider, 'builtin');
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.includes(dir), lines[0]);
  });
});
