/**
 * Loading by hub name (EMBEDDING_MODEL=owner/name) against a local HTTP server that serves the installed model's
 * files the way a hub does, since no hub is reachable here.
 */
import assert from 'node:assert/strict';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MANIFEST_FILE, modelsRoot } from './model-catalog.ts';
import { OnnxLocalEmbedder } from './onnx-local.ts';

const HUB_ID = 'sentence-transformers/all-MiniLM-L6-v2';
const SOURCE = join(modelsRoot(), 'all-minilm-l6-v2-int8');

describe('onnx embedder by hub name', () => {
  let server: Server;
  let hubUrl = '';
  let cacheDir = '';
  const requested: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(SOURCE, MANIFEST_FILE)), `${SOURCE} is not installed: run npm run model:install`);
    cacheDir = mkdtempSync(join(tmpdir(), 'semcache-hub-'));
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      const m = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      const file = m && m[1] === HUB_ID ? join(SOURCE, decodeURIComponent(m[2]!)) : null;
      if (!file || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('fetches the files from the configured hub into the cache dir and embeds as the directory does', async () => {
    const hub = await OnnxLocalEmbedder.load({ model: HUB_ID, hubUrl, hubCacheDir: cacheDir, allowRemote: true });
    const dir = await OnnxLocalEmbedder.load({ modelDir: SOURCE });
    try {
      assert.ok(requested.some((u) => u.endsWith('/onnx/model.onnx')), `requests: ${requested.join(', ')}`);
      assert.equal(hub.identity.model, HUB_ID);
      assert.equal(hub.identity.dimensions, 384);
      const [a] = await hub.embed(['What is Kubernetes']);
      const [b] = await dir.embed(['What is Kubernetes']);
      a!.forEach((x, i) => assert.ok(Math.abs(x - b![i]!) < 1e-6));
    } finally {
      await hub.close();
      await dir.close();
    }
  });

  it('with remote loading off, loads from the cache alone', async () => {
    const before = requested.length;
    const e = await OnnxLocalEmbedder.load({ model: HUB_ID, hubUrl, hubCacheDir: cacheDir, allowRemote: false });
    try {
      assert.equal(requested.length, before, 'no request to the hub');
      assert.equal((await e.embed(['hello']))[0]!.length, 384);
    } finally {
      await e.close();
    }
  });

  it('a model the hub does not have stops loading with a message naming it', async () => {
    await assert.rejects(
      OnnxLocalEmbedder.load({ model: 'nobody/no-such-model', hubUrl, hubCacheDir: cacheDir, allowRemote: true }),
      /cannot load model from nobody\/no-such-model/,
    );
  });

  it('an uninstalled model name says how to install it', () => {
    assert.throws(() => new OnnxLocalEmbedder({ model: 'not-installed-model' }), /npm run model:install not-installed-model/);
  });
});
