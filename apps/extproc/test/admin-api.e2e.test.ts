import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type {
  ApiError, EntryList, LookupEvent, NamespaceDetail, NearMissList, PairLabel, ProbeResponse,
} from '@semcache/shared';
import { startHarness, type Harness } from './harness.ts';

const READ = 'read-token-e2e-0123456789';
const ADMIN = 'admin-token-e2e-0123456789';

function api(h: Harness, token: string | null = ADMIN) {
  return async (method: string, path: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    else headers['x-requested-by'] = 'test';
    return fetch(`http://127.0.0.1:${h.server.httpPort}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
}

/** The similarity the engine sees between a prompt and what is stored, through the probe (no traffic). */
async function similarityTo(call: ReturnType<typeof api>, prompt: string, storedPrompt: string): Promise<number> {
  const probe = (await (await call('POST', '/api/namespaces/gpt-test/probe', { prompt, k: 5 })).json()) as ProbeResponse;
  const match = probe.candidates.find((c) => c.entry.prompt === storedPrompt);
  assert.ok(match, `probe finds "${storedPrompt}"`);
  return match.similarity;
}

const STORED = 'What is Kubernetes';
const PARAPHRASE = 'Kubernetes what is it anyway';
/** The control header keeps a miss from being stored, so each request is decided by the threshold alone. */
const NO_STORE = { headers: { 'x-semantic-cache': 'no-store' } };

describe('admin API end to end, through the real gRPC server', () => {
  let h: Harness;
  let call: ReturnType<typeof api>;
  before(async () => {
    h = await startHarness({ 'admin.adminTokens': [ADMIN], 'admin.readTokens': [READ] });
    call = api(h);
    const first = await h.chat(STORED);
    assert.equal(first.source, 'upstream');
  });
  after(async () => { await h.close(); });

  it('a threshold changed over HTTP decides the very next request', async () => {
    const s = await similarityTo(call, PARAPHRASE, STORED);
    assert.ok(s > 0.1 && s < 0.99, `similarity ${s}`);

    const raise = await call('PATCH', '/api/namespaces/gpt-test', { threshold: Math.min(1, s + 0.02) });
    assert.equal(raise.status, 200);
    const missed = await h.chat(PARAPHRASE, {}, NO_STORE);
    assert.equal(missed.source, 'upstream');
    assert.equal(missed.headers['x-semantic-cache'], 'miss');

    assert.equal((await call('PATCH', '/api/namespaces/gpt-test', { threshold: s - 0.02 })).status, 200);
    const hit = await h.chat(PARAPHRASE, {}, NO_STORE);
    assert.equal(hit.source, 'immediate');
    assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
  });

  it('an entry evicted over HTTP sends the next identical request to the model', async () => {
    const prompt = 'How do I drain a node before maintenance';
    await h.chat(prompt);
    assert.equal((await h.chat(prompt)).source, 'immediate');
    const page = (await (await call('GET', `/api/namespaces/gpt-test/entries?text=${encodeURIComponent('drain a node')}`)).json()) as EntryList;
    assert.equal(page.total, 1);
    const id = page.items[0]!.id;

    const evict = await call('DELETE', `/api/namespaces/gpt-test/entries/${id}`);
    assert.equal(evict.status, 200);
    const calls = h.upstream.calls.length;
    const after = await h.chat(prompt);
    assert.equal(after.source, 'upstream');
    assert.equal(h.upstream.calls.length, calls + 1);
    assert.equal((await call('GET', `/api/namespaces/gpt-test/entries/${id}`)).status, 404);
  });

  it('shows the near miss of a prompt just under the threshold, and takes a label for it', async () => {
    const s = await similarityTo(call, PARAPHRASE, STORED);
    await call('PATCH', '/api/namespaces/gpt-test', { threshold: Math.min(1, s + 0.03) });
    assert.equal((await h.chat(PARAPHRASE, {}, NO_STORE)).source, 'upstream');

    const list = (await (await call('GET', '/api/namespaces/gpt-test/near-misses')).json()) as NearMissList;
    const near = list.items[0];
    assert.ok(near, 'the miss is listed');
    assert.equal(near.prompt, PARAPHRASE);
    assert.equal(near.candidatePrompt, STORED);
    assert.ok(Math.abs(near.similarity - s) < 1e-6);
    assert.ok(Math.abs(near.gap - 0.03) < 1e-6);

    const labelled = await call('POST', '/api/namespaces/gpt-test/labels', { lookupId: near.lookupId, verdict: 'same' });
    assert.equal(labelled.status, 201);
    assert.equal(((await labelled.json()) as PairLabel).by, 'admin-1');
    const ns = (await (await call('GET', '/api/namespaces/gpt-test')).json()) as NamespaceDetail;
    assert.equal(ns.suggestion.same, 1);
    assert.equal(ns.suggestion.currentCorrect, 0, 'the pair labelled "same" misses at the current threshold');
  });

  it('refuses requests without a token (401) and changes with a read-only token (403)', async () => {
    const anonymous = api(h, null);
    const none = await anonymous('GET', '/api/namespaces');
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as ApiError).error.code, 'unauthorized');

    const reader = api(h, READ);
    assert.equal((await reader('GET', '/api/namespaces/gpt-test')).status, 200);
    const before = ((await (await reader('GET', '/api/namespaces/gpt-test')).json()) as NamespaceDetail).settings.threshold;
    const forbidden = await reader('PATCH', '/api/namespaces/gpt-test', { threshold: 0.1 });
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as ApiError).error.code, 'forbidden');
    assert.equal((await reader('POST', '/api/namespaces/gpt-test/flush')).status, 403);
    assert.equal(h.server.admin.getNamespace('gpt-test').settings.threshold, before);
  });

  it('answers bad input with 400 naming the field and an unknown namespace with 404', async () => {
    const bad = await call('PATCH', '/api/namespaces/gpt-test', { threshold: 7 });
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as ApiError;
    assert.equal(body.error.field, 'threshold');
    assert.ok(!JSON.stringify(body).includes('    at '), 'no stack trace');
    const missing = await call('GET', '/api/namespaces/no-such-model');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as ApiError).error.code, 'not_found');
  });

  it('serves the OpenAPI document', async () => {
    const res = await api(h, null)('GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/api/namespaces/{namespace}/threshold-preview']);
  });

  it('streams lookups live over SSE', async () => {
    // node:http rather than fetch: after fetch cancelled a stream, a spare connection without a request was
    // left open, and the server's close waited for it to time out.
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`http://127.0.0.1:${h.server.httpPort}/api/lookups/stream?namespace=gpt-test`, { agent: false, headers: { authorization: `Bearer ${READ}` } }, resolve)
        .on('error', reject);
    });
    assert.equal(res.statusCode, 200);
    res.setEncoding('utf8');
    const text = new Promise<string>((resolve) => {
      let seen = '';
      res.on('data', (chunk: string) => {
        seen += chunk;
        if (/event: lookup\n.*\n/.test(seen)) resolve(seen);
      });
    });
    const prompt = 'Which port does the kubelet listen on';
    await h.chat(prompt);
    const data = (await text).split('\n').find((l) => l.startsWith('data: '))!;
    const event = JSON.parse(data.slice(6)) as LookupEvent;
    assert.equal(event.prompt, prompt);
    assert.equal(event.namespace, 'gpt-test');
    res.destroy();
  });
});

describe('admin API with no token configured', () => {
  it('is open on loopback, and an open stream does not keep the server from closing', async () => {
    const h = await startHarness();
    const res = await fetch(`http://127.0.0.1:${h.server.httpPort}/api/lookups/stream`);
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    await reader.read();
    await h.close();
    let done = false;
    while (!done) ({ done } = await reader.read());
  });
});
