import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import pino from 'pino';
import { ConfigSchema, type ApiError, type NamespaceInfo, type PairLabel, type ProbeResponse } from '@semcache/shared';
import { CacheEngine } from '../cache/cache-engine.ts';
import { EngineAdmin } from '../cache/engine-admin.ts';
import { redactConfig } from '../config/load-config.ts';
import { BuiltinHashedEmbedder } from '../embedders/builtin-hashed.ts';
import { checkFalseHit } from '../guard/false-hit-guard.ts';
import { adminApi, adminTokens, httpListenHost } from './admin-api.ts';

const ADMIN = 'admin-token-0123456789';

function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => { lines.push(JSON.parse(s) as { level: number; msg: string }); } });
  return { logger, lines };
}

describe('admin API wiring', () => {
  it('keeps the HTTP port on loopback, with a warning, when no token is configured', () => {
    const { logger, lines } = recordingLogger();
    assert.equal(httpListenHost('0.0.0.0', ConfigSchema.parse({}).admin, logger), '127.0.0.1');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.level, 40);
    assert.match(lines[0]!.msg, /no admin token configured.*127\.0\.0\.1 only/);
    assert.equal(httpListenHost('::1', ConfigSchema.parse({}).admin, logger), '::1');
  });

  it('listens where configured once a token exists', () => {
    const { logger, lines } = recordingLogger();
    const config = ConfigSchema.parse({ admin: { readTokens: ['read-token-0123456789'] } }).admin;
    assert.equal(httpListenHost('0.0.0.0', config, logger), '0.0.0.0');
    assert.equal(lines.length, 0);
  });

  it('names bare tokens by role and position, and keeps given names', () => {
    const config = ConfigSchema.parse({
      admin: { readTokens: ['read-token-0123456789'], adminTokens: ['admin-token-0123456789', { name: 'ci', token: 'ci-token-0123456789' }] },
    }).admin;
    assert.deepEqual(adminTokens(config).map((t) => [t.name, t.role]), [['read-1', 'read'], ['admin-1', 'admin'], ['ci', 'admin']]);
  });

  it('never logs a token with the effective configuration', () => {
    const config = ConfigSchema.parse({
      admin: { adminTokens: ['admin-token-0123456789'] }, metrics: { tokens: ['metrics-token-0123456789'], tenantHashKey: 'tenant-hash-key' },
    });
    const logged = JSON.stringify(redactConfig(config));
    for (const secret of ['admin-token-0123456789', 'metrics-token-0123456789', 'tenant-hash-key']) assert.ok(!logged.includes(secret), secret);
  });
});

describe('admin API routes over the real engine', () => {
  async function setup(logCapacity = 100) {
    const config = ConfigSchema.parse({ admin: { adminTokens: [ADMIN] }, lookupLog: { capacity: logCapacity } });
    const engine = new CacheEngine({ config, embedder: new BuiltinHashedEmbedder({ dimensions: 512 }), guard: checkFalseHit });
    const admin = new EngineAdmin(engine);
    const host = new Hono();
    adminApi(config.admin, admin, pino({ level: 'silent' })).mount(host);
    const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
      host.request(path, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? { 'x-requested-by': 'test' } : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    /** A lookup through the engine, stored as the model's answer when it misses. */
    const ask = async (prompt: string) => {
      const result = await engine.lookup({ partition: { model: 'gpt-test', tenant: null }, endpoint: 'chat', prompt, fingerprint: 'f', mode: 'normal' });
      if (result.kind === 'miss' && result.pending) engine.store(result.pending, { response: `{"a":"${prompt}"}`, contentType: 'application/json', usage: null });
      return result.event;
    };
    return { engine, admin, call, ask };
  }

  it('probes without counting traffic, labels real lookups and withdraws a label', async () => {
    const { admin, call, ask } = await setup();
    const first = await ask('What is Kubernetes');
    const second = await ask('Kubernetes what is it anyway');
    const lookups = admin.recentLookups({}).length;

    const probe = (await (await call('POST', '/api/namespaces/gpt-test/probe', { prompt: 'What is Kubernetes', k: 3 })).json()) as ProbeResponse;
    assert.equal(probe.candidates[0]!.entry.prompt, 'What is Kubernetes');
    assert.ok(Math.abs(probe.candidates[0]!.similarity - 1) < 1e-6);
    assert.equal(probe.candidates[0]!.wouldHit, true);
    assert.equal(admin.recentLookups({}).length, lookups, 'the probe recorded no lookup');

    const labelled = await call('POST', '/api/namespaces/gpt-test/labels', { lookupId: second.id, verdict: 'same' });
    assert.equal(labelled.status, 201);
    const label = (await labelled.json()) as PairLabel;
    assert.deepEqual([label.prompt, label.candidatePrompt, label.similarity, label.by], [second.prompt, second.candidatePrompt, second.similarity, 'admin-1']);

    const noCandidate = await call('POST', '/api/namespaces/gpt-test/labels', { lookupId: first.id, verdict: 'same' });
    assert.equal(noCandidate.status, 400, 'the first lookup met an empty namespace');
    assert.equal(((await noCandidate.json()) as ApiError).error.field, 'lookupId');
    assert.equal((await call('POST', '/api/namespaces/gpt-test/labels', { lookupId: 'nope', verdict: 'same' })).status, 404);

    assert.equal((await call('DELETE', `/api/namespaces/gpt-test/labels/${second.id}`)).status, 204);
    assert.deepEqual(admin.listLabels('gpt-test'), []);
  });

  it('labels outlive the lookup log and a flush of the entries', async () => {
    const { admin, call, ask } = await setup(3);
    await ask('How do I list pods');
    const paraphrase = await ask('list the pods how');
    assert.equal((await call('POST', '/api/namespaces/gpt-test/labels', { lookupId: paraphrase.id, verdict: 'different' })).status, 201);
    const flush = (await (await call('POST', '/api/namespaces/gpt-test/flush')).json()) as { removed: number };
    assert.ok(flush.removed >= 1);
    for (let i = 0; i < 5; i++) await ask(`unrelated question number ${i}`);
    assert.ok(!admin.recentLookups({}).some((e) => e.id === paraphrase.id), 'the lookup has left the log');
    assert.deepEqual(admin.listLabels('gpt-test').map((l) => [l.lookupId, l.verdict]), [[paraphrase.id, 'different']]);
  });

  it('changes settings for the next lookup and answers 404 for an unknown namespace', async () => {
    const { call, ask } = await setup();
    await ask('What is Kubernetes');
    const res = await call('PATCH', '/api/namespaces/gpt-test', { enabled: false });
    assert.equal(((await res.json()) as NamespaceInfo).settings.enabled, false);
    assert.equal((await ask('What is Kubernetes')).outcome, 'bypass');
    assert.equal((await call('GET', '/api/namespaces/llama')).status, 404);
    assert.equal((await call('GET', '/api/namespaces/gpt-test/entries/zz')).status, 404);
  });
});
