import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiError, EntryList, ExportHeader, ImportList, ImportProgress } from '@semcache/shared';
import { FakePredictor } from './fake-predictor.ts';
import { startHarness, type Harness } from './harness.ts';

const ADMIN = 'admin-token-transfer-0123456789';
const NS = 'gpt-test';
const STORED = ['How do I restart a Kubernetes deployment?', 'What is the capital of France?', 'How do I list all pods in a namespace?'];
const PARAPHRASE = 'How can I restart a deployment in Kubernetes?';

const base = (h: Harness): string => `http://127.0.0.1:${h.server.httpPort}/api`;
const auth = { authorization: `Bearer ${ADMIN}` };
const enc = encodeURIComponent;

async function exportText(h: Harness, ns = NS, query = ''): Promise<string> {
  const res = await fetch(`${base(h)}/namespaces/${enc(ns)}/export${query}`, { headers: auth });
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
  return res.text();
}

async function importBody(h: Harness, ns: string, body: string | ReadableStream<Uint8Array>, query = ''): Promise<Response> {
  return fetch(`${base(h)}/namespaces/${enc(ns)}/import${query}`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/x-ndjson', 'x-requested-by': 'test' }, body, duplex: 'half',
  } as RequestInit);
}

async function imported(h: Harness, ns: string, body: string, query = ''): Promise<ImportProgress> {
  const res = await importBody(h, ns, body, query);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as ImportProgress;
}

const lines = (text: string): Record<string, unknown>[] => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const jsonl = (objects: unknown[]): string => objects.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';

async function prompts(h: Harness, ns = NS): Promise<string[]> {
  const res = await fetch(`${base(h)}/namespaces/${enc(ns)}/entries?limit=500`, { headers: auth });
  return ((await res.json()) as EntryList).items.map((e) => e.prompt).sort();
}

describe('export and import between two real servers', () => {
  let source: Harness;
  let exported: string;
  before(async () => {
    source = await startHarness({ 'admin.adminTokens': [ADMIN] });
    for (const p of STORED) assert.equal((await source.chat(p)).source, 'upstream');
    exported = await exportText(source);
  });
  after(async () => { await source.close(); });

  it('writes a versioned header, then every entry with its answer, metadata and vector', () => {
    const [header, ...entries] = lines(exported) as [ExportHeader, ...Record<string, unknown>[]];
    assert.equal(header.format, 'semcache-export');
    assert.equal(header.version, 1);
    assert.equal(header.namespace, NS);
    assert.deepEqual(header.embedder, source.server.engine.embedder.identity);
    assert.equal(header.vectors, true);
    assert.equal(entries.length, STORED.length);
    for (const e of entries) {
      assert.ok(typeof e.response === 'string' && e.response.includes('choices'), 'the cached answer');
      assert.equal(e.contentType, 'application/json');
      assert.equal(typeof e.fingerprint, 'string');
      assert.equal(Buffer.from(e.vector as string, 'base64').length, header.embedder.dimensions * 4);
    }
    assert.deepEqual(entries.map((e) => e.prompt), STORED, 'least recently used first');
  });

  it('an import into another server answers the imported prompts through gRPC without calling the model', async () => {
    const target = await startHarness({ 'admin.adminTokens': [ADMIN] });
    try {
      const report = await imported(target, NS, exported);
      assert.equal(report.state, 'done');
      assert.deepEqual([report.linesRead, report.imported, report.skipped, report.failed, report.recomputed], [3, 3, 0, 0, 0]);
      const exact = await target.chat(STORED[1]!);
      assert.equal(exact.headers['x-semantic-cache'], 'hit-exact');
      assert.equal(exact.source, 'immediate');
      // The semantic tier needs the vectors: the reused ones are in the index.
      const paraphrase = await target.chat(PARAPHRASE, {}, { headers: { 'x-semantic-cache': 'no-store' } });
      assert.equal(paraphrase.headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(target.upstream.calls.length, 0, 'the model was never called');
      assert.deepEqual(JSON.parse(exact.body.toString()), JSON.parse((await source.chat(STORED[1]!)).body.toString()), 'the same answer');
    } finally {
      await target.close();
    }
  });

  it('imported entries take the target namespace\'s epoch and serve after its flushes; a flushed namespace exports none', async () => {
    const target = await startHarness({ 'admin.adminTokens': [ADMIN] });
    try {
      assert.equal((await target.chat('What is the boiling point of water?')).source, 'upstream');
      target.server.admin.bumpEpoch(NS);
      target.server.admin.bumpEpoch(NS);
      const flushed = lines(await exportText(target)) as [ExportHeader, ...Record<string, unknown>[]];
      assert.equal(flushed.length, 1, 'only the header: the flushed entry is not exported');
      const report = await imported(target, NS, exported);
      assert.equal(report.imported, 3);
      const exact = await target.chat(STORED[1]!);
      assert.equal(exact.headers['x-semantic-cache'], 'hit-exact', 'an imported entry is of the current epoch');
    } finally {
      await target.close();
    }
  });

  it('an embedder of other dimensions recomputes every vector, and the paraphrase still hits', async () => {
    const target = await startHarness({ 'admin.adminTokens': [ADMIN], 'embedder.dimensions': 512 });
    try {
      const report = await imported(target, NS, exported);
      assert.deepEqual([report.imported, report.recomputed, report.failed], [3, 3, 0]);
      const hit = await target.chat(PARAPHRASE, {}, { headers: { 'x-semantic-cache': 'no-store' } });
      assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
      assert.equal(target.upstream.calls.length, 0);
    } finally {
      await target.close();
    }
  });

  it('without vectors in the export the same embedder computes them, into a namespace of another name', async () => {
    const text = await exportText(source, NS, '?vectors=false');
    assert.ok(lines(text).slice(1).every((e) => !('vector' in e)));
    const target = await startHarness({ 'admin.adminTokens': [ADMIN] });
    try {
      const report = await imported(target, 'gpt-test-copy', text);
      assert.deepEqual([report.imported, report.recomputed], [3, 3]);
      const hit = await target.chat(PARAPHRASE, { model: 'gpt-test-copy' }, { headers: { 'x-semantic-cache': 'no-store' } });
      assert.equal(hit.headers['x-semantic-cache'], 'hit-semantic');
      assert.equal((await target.chat(PARAPHRASE)).source, 'upstream', 'nothing went into the original name');
    } finally {
      await target.close();
    }
  });

  it('reports each bad line with its number and reason, skips it and an expired entry, and applies the good lines whole', async () => {
    const [header, first, second, third] = lines(exported) as [ExportHeader, ...Record<string, unknown>[]];
    const dims = header.embedder.dimensions;
    const body = jsonl([
      header,
      first,
      '{"prompt": "no closing brace"',
      { ...second, prompt: 42 },
      '',
      { ...second, vector: Buffer.alloc(8).toString('base64') },
      { ...second, vector: Buffer.alloc(dims * 4).toString('base64') },
      { ...third, expiresAt: Date.now() - 1000 },
      { ...second, namespace: 'gpt-test|acme' },
      second,
    ]);
    const target = await startHarness({ 'admin.adminTokens': [ADMIN] });
    try {
      const check = await imported(target, NS, body, '?dryRun=true');
      assert.deepEqual([check.dryRun, check.linesRead, check.imported, check.skipped, check.failed], [true, 8, 2, 1, 5]);
      assert.equal(target.server.engine.namespaces.find(NS), undefined, 'a dry run applies nothing');
      const report = await imported(target, NS, body);
      assert.equal(report.dryRun, false);
      assert.deepEqual(report.errors, check.errors, 'the dry run reported what the import then found');
      assert.deepEqual([report.linesRead, report.imported, report.skipped, report.failed], [8, 2, 1, 5]);
      assert.deepEqual(report.errors.map((e) => e.line), [3, 4, 6, 7, 9]);
      const reasons = report.errors.map((e) => e.reason);
      assert.match(reasons[0]!, /not JSON/);
      assert.match(reasons[1]!, /prompt/);
      assert.match(reasons[2]!, /2 dimensions/);
      assert.match(reasons[3]!, /degenerate/);
      assert.match(reasons[4]!, /tenant 'acme'/);
      assert.deepEqual(await prompts(target), [STORED[0], STORED[1]].sort(), 'the good lines, not the expired one');
      assert.equal((await target.chat(STORED[2]!)).source, 'upstream');
    } finally {
      await target.close();
    }
  });

  it('recomputing through a remote embedder, a prompt it answers with a zero vector fails its own line only', async () => {
    const predictor = await new FakePredictor().start();
    predictor.answerFor = (text) => (text === STORED[1] ? new Array<number>(256).fill(0) : null);
    const target = await startHarness({
      'admin.adminTokens': [ADMIN], 'embedder.provider': 'openai', 'embedder.url': `http://127.0.0.1:${predictor.port}/v1/embeddings`,
      'embedder.model': 'remote', 'embedder.dimensions': 256,
    });
    try {
      const report = await imported(target, NS, exported);
      assert.deepEqual([report.imported, report.recomputed, report.failed], [2, 2, 1]);
      assert.equal(report.errors[0]!.line, 3);
      assert.match(report.errors[0]!.reason, /could not be embedded: .*zero vector/);
      assert.deepEqual(await prompts(target), [STORED[0], STORED[2]].sort());
      const batches = predictor.calls.map((c) => ((c.body as { input: string[] }).input).length);
      assert.equal(batches[batches.length - 4], 3, 'one call for the batch, then one per prompt after it failed');
    } finally {
      await target.close();
      await predictor.close();
    }
  });

  it('imported entries are written to the data directory like stored answers, and served after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'semcache-import-'));
    const durable = { 'admin.adminTokens': [ADMIN], 'store.persist': true, 'store.dataDir': dir };
    try {
      const first = await startHarness(durable);
      try {
        assert.equal((await imported(first, NS, exported)).imported, 3);
      } finally {
        await first.close();
      }
      const restarted = await startHarness(durable);
      try {
        assert.deepEqual(await prompts(restarted), [...STORED].sort());
        assert.equal((await restarted.chat(STORED[2]!)).headers['x-semantic-cache'], 'hit-exact');
      } finally {
        await restarted.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a body without a valid header with 400 naming the line, and applies nothing', async () => {
    const target = await startHarness({ 'admin.adminTokens': [ADMIN] });
    try {
      const entryOnly = exported.split('\n').slice(1).join('\n');
      const res = await importBody(target, NS, entryOnly);
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as ApiError).error.message, /^line 1: the first line is not a semcache-export version 1 header/);
      const newer = exported.replace('"version":1', '"version":2');
      assert.equal((await importBody(target, NS, newer)).status, 400);
      assert.equal(target.server.engine.namespaces.find(NS), undefined, 'no namespace was created');
      const doc = (await (await fetch(`${base(target)}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      assert.ok(doc.paths['/api/namespaces/{namespace}/import'] && doc.paths['/api/namespaces/{namespace}/export'] && doc.paths['/api/imports']);
      const list = (await (await fetch(`${base(target)}/imports`, { headers: auth })).json()) as ImportList;
      assert.deepEqual(list.items.map((p) => p.state), ['failed', 'failed']);
    } finally {
      await target.close();
    }
  });
});

describe('import into a tenant partition', () => {
  const TENANT = { headers: { 'x-tenant': 'acme' } };
  const OTHER = { headers: { 'x-tenant': 'globex' } };
  let source: Harness;
  let target: Harness;
  before(async () => {
    source = await startHarness({ 'admin.adminTokens': [ADMIN], tenantHeader: 'x-tenant' });
    target = await startHarness({ 'admin.adminTokens': [ADMIN], tenantHeader: 'x-tenant' });
    await source.chat(STORED[0]!, {}, TENANT);
  });
  after(async () => {
    await source.close();
    await target.close();
  });

  it('keeps the entries in their own tenant: another tenant\'s namespace refuses the export', async () => {
    const text = await exportText(source, 'gpt-test|acme');
    const refused = await importBody(target, 'gpt-test|globex', text);
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as ApiError).error.message, /tenant 'acme'.*tenant 'globex'/);
    assert.equal((await importBody(target, NS, text)).status, 400, 'nor a namespace without a tenant');
    assert.equal(target.server.engine.namespaces.size, 0);

    const report = await imported(target, 'gpt-test|acme', text);
    assert.equal(report.imported, 1);
    assert.equal((await target.chat(STORED[0]!, {}, TENANT)).headers['x-semantic-cache'], 'hit-exact');
    assert.equal((await target.chat(STORED[0]!, {}, OTHER)).source, 'upstream', 'another tenant never gets it');
  });
});

describe('import limits and progress', () => {
  let source: Harness;
  let exported: string;
  before(async () => {
    source = await startHarness({ 'admin.adminTokens': [ADMIN] });
    for (const p of STORED) await source.chat(p);
    exported = await exportText(source);
  });
  after(async () => { await source.close(); });

  it('a read token may export but not import; an import needs the write header', async () => {
    const READ = 'read-token-transfer-0123456789';
    const target = await startHarness({ 'admin.adminTokens': [ADMIN], 'admin.readTokens': [READ] });
    try {
      await target.chat(STORED[0]!);
      const reader = { authorization: `Bearer ${READ}` };
      assert.equal((await fetch(`${base(target)}/namespaces/${NS}/export`, { headers: reader })).status, 200);
      const forbidden = await fetch(`${base(target)}/namespaces/${NS}/import`, { method: 'POST', headers: { ...reader, 'x-requested-by': 't' }, body: exported });
      assert.equal(forbidden.status, 403);
      const form = await fetch(`${base(target)}/namespaces/${NS}/import`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: exported });
      assert.equal(form.status, 415, 'a cross-site form cannot import');
      assert.deepEqual(await prompts(target), [STORED[0]]);
      assert.equal((await fetch(`${base(target)}/namespaces/nope/export`, { headers: auth })).status, 404);
    } finally {
      await target.close();
    }
  });

  it('keeps to the namespace capacity: the most recently used entries stay', async () => {
    const target = await startHarness({ 'admin.adminTokens': [ADMIN], 'defaults.maxEntries': 2 });
    try {
      const report = await imported(target, NS, exported);
      assert.equal(report.imported, 3);
      assert.deepEqual(await prompts(target), [STORED[1], STORED[2]].sort());
    } finally {
      await target.close();
    }
  });

  it('a body over admin.maxImportBytes is refused with 413; streamed, the lines before the limit stay applied', async () => {
    const [header, ...entries] = exported.trim().split('\n');
    const limit = header!.length + entries[0]!.length + 100;
    const target = await startHarness({ 'admin.adminTokens': [ADMIN], 'admin.maxImportBytes': limit });
    try {
      const declared = await importBody(target, NS, exported);
      assert.equal(declared.status, 413);
      assert.match(((await declared.json()) as ApiError).error.message, /admin\.maxImportBytes/);
      assert.equal(target.server.engine.namespaces.find(NS), undefined);

      const chunks = [`${header}\n${entries[0]}\n`, `${entries[1]}\n`, `${entries[2]}\n`];
      const streamed = await importBody(target, NS, new ReadableStream({
        pull(ctl) {
          const next = chunks.shift();
          if (next === undefined) ctl.close();
          else ctl.enqueue(new TextEncoder().encode(next));
        },
      }));
      assert.equal(streamed.status, 413);
      const error = ((await streamed.json()) as ApiError).error;
      assert.equal(error.code, 'payload_too_large');
      assert.match(error.message, /stopped after 1 entry lines; the 1 entries imported before it stay/);
      assert.deepEqual(await prompts(target), [STORED[0]]);
    } finally {
      await target.close();
    }
  });

  it('a body slower than http.requestTimeoutMs is cut off; the entries before stay and the import says why it stopped', async () => {
    const target = await startHarness({ 'admin.adminTokens': [ADMIN], 'http.requestTimeoutMs': 500 });
    try {
      const [header, ...entries] = exported.trim().split('\n');
      let step = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(ctl) {
          if (step++ === 0) return ctl.enqueue(new TextEncoder().encode(`${header}\n${entries[0]}\n`));
          await new Promise((r) => setTimeout(r, 1500));
          ctl.enqueue(new TextEncoder().encode(`${entries[1]}\n`));
          ctl.close();
        },
      });
      const res = await importBody(target, NS, body).catch(() => null);
      assert.ok(res === null || res.status === 408, `cut off (${res?.status})`);
      let last: ImportProgress | undefined;
      // The 408 and the end of the body reach the client and the import in no fixed order.
      for (let i = 0; i < 40 && (last === undefined || last.state === 'running'); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 50));
        last = ((await (await fetch(`${base(target)}/imports`, { headers: auth })).json()) as ImportList).items[0];
      }
      assert.equal(last?.state, 'failed');
      assert.equal(last.imported, 1);
      assert.ok(last.error, 'it says why');
      assert.deepEqual(await prompts(target), [STORED[0]]);
    } finally {
      await target.close();
    }
  });

  it('shows the counts of an import while its body is still arriving', async () => {
    const target = await startHarness({ 'admin.adminTokens': [ADMIN] });
    try {
      const [header, ...entries] = exported.trim().split('\n');
      let release!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(ctl) {
          if (sent === 0) ctl.enqueue(new TextEncoder().encode(`${header}\n${entries[0]}\n${entries[1]}\nnot json\n`));
          else if (sent === 1) {
            await held;
            ctl.enqueue(new TextEncoder().encode(`${entries[2]}\n`));
          } else ctl.close();
          sent++;
        },
      });
      const response = importBody(target, NS, body);
      let running: ImportProgress | undefined;
      for (let i = 0; i < 100 && running?.linesRead !== 3; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const list = (await (await fetch(`${base(target)}/imports?namespace=${NS}`, { headers: auth })).json()) as ImportList;
        running = list.items[0];
      }
      assert.equal(running?.state, 'running');
      assert.deepEqual([running.expected, running.linesRead, running.imported, running.failed], [3, 3, 2, 1]);
      assert.deepEqual(running.errors, [{ line: 4, reason: running.errors[0]!.reason }]);
      release();
      const done = (await (await response).json()) as ImportProgress;
      assert.deepEqual([done.state, done.linesRead, done.imported, done.failed], ['done', 4, 3, 1]);
      assert.ok(done.finishedAt !== null && done.finishedAt >= done.startedAt);
    } finally {
      await target.close();
    }
  });
});
