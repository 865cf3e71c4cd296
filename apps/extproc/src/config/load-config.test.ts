import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, redactConfig } from './load-config.ts';

describe('loadConfig', () => {
  it('has working defaults with nothing configured', () => {
    const c = loadConfig({});
    assert.equal(c.grpc.port, 50051);
    assert.equal(c.http.port, 8080);
    assert.deepEqual(c.embedder, { provider: 'auto' });
    assert.ok(c.grpc.maxReceiveMessageBytes >= 8 * 1024 * 1024);
    assert.equal(c.defaults.threshold, undefined, 'the embedder measured default applies');
  });

  it('reads the original setup variables: a KServe embedder with a Host override and a threshold', () => {
    const c = loadConfig({ EMBEDDING_MODEL_SERVER: 'http://10.0.0.1/v1/models/minilm:predict', EMBEDDING_MODEL_HOST: 'minilm.example.com', SIMILARITY_THRESHOLD: '0.85', GRPC_PORT: '9000' });
    assert.equal(c.embedder.provider, 'kserve');
    assert.ok(c.embedder.provider === 'kserve' && c.embedder.host === 'minilm.example.com');
    assert.equal(c.defaults.threshold, 0.85);
    assert.equal(c.grpc.port, 9000);
  });

  it('stops with a message naming the field for a bad value', () => {
    assert.throws(() => loadConfig({ SIMILARITY_THRESHOLD: '1.5' }), (e: unknown) => e instanceof ConfigError && /defaults\.threshold/.test(e.message));
    assert.throws(() => loadConfig({ GRPC_PORT: 'abc' }), (e: unknown) => e instanceof ConfigError && /grpc\.port/.test(e.message));
    assert.throws(() => loadConfig({ EMBEDDER: 'openai' }), (e: unknown) => e instanceof ConfigError && /embedder\.url/.test(e.message));
    assert.throws(() => loadConfig({ PATH_PREFIXES: 'openai/' }), (e: unknown) => e instanceof ConfigError && /pathPrefixes/.test(e.message));
  });

  it('reads a YAML or JSON file, with the environment on top', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'semcache-config-'));
    const yaml = path.join(dir, 'c.yaml');
    writeFileSync(yaml, 'http:\n  port: 9090\nmodels:\n  gpt-4o:\n    threshold: 0.95\ndefaults:\n  ttlSeconds: 60\n');
    const c = loadConfig({ CONFIG_FILE: yaml, HTTP_PORT: '9191' });
    assert.equal(c.http.port, 9191);
    assert.equal(c.models['gpt-4o']?.threshold, 0.95);
    assert.equal(c.defaults.ttlSeconds, 60);
    const json = path.join(dir, 'c.json');
    writeFileSync(json, '{"grpc": {"port": 7000}}');
    assert.equal(loadConfig({ CONFIG_FILE: json }).grpc.port, 7000);
    writeFileSync(json, '{"grpc": ');
    assert.throws(() => loadConfig({ CONFIG_FILE: json }), ConfigError);
    assert.throws(() => loadConfig({ CONFIG_FILE: path.join(dir, 'missing.yaml') }), /missing\.yaml/);
  });

  it('redacts secrets in the logged configuration', () => {
    const c = loadConfig({ EMBEDDER: 'openai', EMBEDDING_MODEL_SERVER: 'http://127.0.0.1:1/v1/embeddings', EMBEDDING_MODEL: 'e', EMBEDDING_API_KEY: 'sk-secret' });
    assert.doesNotMatch(JSON.stringify(redactConfig(c)), /sk-secret/);
  });
});

describe('onnx embedder settings', () => {
  it('EMBEDDING_MODEL_DIR alone means onnx, and the hub and batching settings come from the environment', () => {
    const c = loadConfig({
      EMBEDDING_MODEL_DIR: '/models/x', EMBEDDING_HUB_URL: 'http://127.0.0.1:9/', EMBEDDING_HUB_CACHE_DIR: '/tmp/hub',
      EMBEDDING_HUB_DOWNLOAD: 'true', EMBEDDING_THREADS: '2', EMBEDDING_BATCH_WINDOW_MS: '3', EMBEDDING_MAX_BATCH: '16',
      EMBEDDING_WORKERS: '2',
    });
    assert.deepEqual(c.embedder, {
      provider: 'onnx', modelDir: '/models/x', hubUrl: 'http://127.0.0.1:9/', hubCacheDir: '/tmp/hub',
      allowRemote: true, threads: 2, batchWindowMs: 3, adaptiveWindow: true, maxBatch: 16, workers: 2, lengthRuns: true,
    });
  });

  it('EMBEDDER=onnx with nothing else uses the installed default model', () => {
    const c = loadConfig({ EMBEDDER: 'onnx' });
    assert.deepEqual(c.embedder, {
      provider: 'onnx', allowRemote: false, threads: 1, batchWindowMs: 1, adaptiveWindow: true, maxBatch: 32, workers: 1, lengthRuns: true,
    });
  });
});

describe('verifier model settings', () => {
  it('VERIFIER names the cross-encoder kinds, VERIFIER_CROSS_ENCODER_MODEL_DIR its model; the default is auto', () => {
    assert.equal(loadConfig({}).verifierModel.kind, 'auto');
    const c = loadConfig({ VERIFIER: 'cross-encoder', VERIFIER_CROSS_ENCODER_MODEL_DIR: '/models/xe' });
    assert.deepEqual([c.verifierModel.kind, c.verifierModel.crossEncoderModelDir], ['cross-encoder', '/models/xe']);
    assert.equal(loadConfig({ VERIFIER: 'pair-classifier+cross-encoder' }).verifierModel.kind, 'pair-classifier+cross-encoder');
    assert.throws(() => loadConfig({ VERIFIER: 'cross-encoders' }), (e: unknown) => e instanceof ConfigError && /verifierModel\.kind/.test(e.message));
  });
});
