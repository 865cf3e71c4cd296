import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { byKind, CHART, env, helm, helmBinary, one, parseManifests, PLAIN_VALUES, render, ROOT, type Manifest } from './helm.ts';

describe('the Helm chart deploy/helm/semcache', () => {
  let bin: string;
  let plain: Manifest[];
  before(() => {
    bin = helmBinary();
    plain = render(bin);
  });

  it('passes helm lint --strict', () => {
    const r = helm(bin, ['lint', CHART, '--strict', '-f', PLAIN_VALUES]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders what deploy/kubernetes/semcache.yaml holds (run scripts/render-manifests.sh after changing the chart)', () => {
    const committed = parseManifests(readFileSync(join(ROOT, 'deploy', 'kubernetes', 'semcache.yaml'), 'utf8'));
    assert.deepEqual(committed, plain);
  });

  it('by default: one replica with a data volume, the ext_proc port on every interface, probes, resources, tokens from the Secret', () => {
    assert.deepEqual(plain.map((m) => m.kind).sort(), ['Deployment', 'NetworkPolicy', 'PersistentVolumeClaim', 'PodDisruptionBudget', 'Secret', 'Service']);
    const d = one(plain, 'Deployment');
    const c = d.spec.template.spec.containers[0];
    assert.equal(d.spec.replicas, 1);
    assert.equal(env(d).GRPC_HOST, '0.0.0.0', 'Envoy is in another pod: the loopback default would shut it out');
    assert.equal(env(d).DATA_DIR, '/data');
    assert.deepEqual(c.ports.map((p: { name: string }) => p.name), ['grpc-extproc', 'http']);
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
    assert.deepEqual(c.livenessProbe.grpc, { port: 50051 });
    assert.deepEqual(c.resources, { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '2Gi' } });
    const secret = one(plain, 'Secret');
    assert.deepEqual(c.envFrom, [{ secretRef: { name: secret.metadata.name } }]);
    assert.deepEqual(Object.keys(secret.stringData).sort(), ['ADMIN_READ_TOKEN', 'ADMIN_TOKEN', 'METRICS_TOKEN']);
    assert.equal(d.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, one(plain, 'PersistentVolumeClaim').metadata.name);
    assert.equal(d.spec.strategy.type, 'Recreate', 'one writer of the data volume at a time');
  });

  it('names the Service\'s gRPC port for Istio and selects the Deployment\'s pods', () => {
    const svc = one(plain, 'Service');
    const grpc = svc.spec.ports.find((p: { port: number }) => p.port === 50051);
    assert.match(grpc.name, /^grpc-/);
    assert.equal(grpc.appProtocol, 'grpc');
    assert.deepEqual(svc.spec.selector, one(plain, 'Deployment').spec.template.metadata.labels);
  });

  it('admits only the gateway\'s pods to the ext_proc port with the NetworkPolicy, and none when it is turned off', () => {
    const np = one(plain, 'NetworkPolicy');
    assert.deepEqual(np.spec.podSelector.matchLabels, one(plain, 'Deployment').spec.selector.matchLabels);
    const grpcRule = np.spec.ingress.find((r: { ports: { port: number }[] }) => r.ports[0]!.port === 50051);
    assert.deepEqual(grpcRule.from, [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }, podSelector: { matchLabels: { istio: 'ingressgateway' } } }]);
    assert.equal(byKind(render(bin, { 'networkPolicy.enabled': 'false' }), 'NetworkPolicy').length, 0);
  });

  it('lets a one-replica Deployment be drained (maxUnavailable 1) and keeps one pod of several (minAvailable 1)', () => {
    assert.equal(one(plain, 'PodDisruptionBudget').spec.maxUnavailable, 1);
    const many = render(bin, { replicaCount: '3', 'store.mode': 'redis', 'store.redis.url': 'redis://redis:6379' });
    assert.equal(one(many, 'PodDisruptionBudget').spec.minAvailable, 1);
  });

  it('with Redis: several replicas share it, no data volume; the URL may come from a Secret', () => {
    const r = render(bin, { replicaCount: '3', 'store.mode': 'redis', 'store.redis.urlSecret.name': 'redis-auth' });
    const d = one(r, 'Deployment');
    assert.equal(d.spec.replicas, 3);
    assert.equal(env(d).STORE, 'redis');
    assert.deepEqual(env(d).REDIS_URL, { secretKeyRef: { name: 'redis-auth', key: 'REDIS_URL' } });
    assert.equal(env(d).DATA_DIR, undefined);
    assert.equal(byKind(r, 'PersistentVolumeClaim').length, 0);
    assert.equal(d.spec.strategy, undefined, 'rolling updates');
  });

  it('refuses settings that cannot work, with a message naming the fix', () => {
    assert.throws(() => render(bin, { replicaCount: '2' }), /replicaCount > 1 needs store.mode redis/);
    assert.throws(() => render(bin, { 'store.mode': 'redis' }), /store.redis.url/);
    assert.throws(() => render(bin, { 'admin.adminToken': 'short' }), /admin.adminToken: a token has at least 16 characters/);
    const r = helm(bin, ['template', 'semcache', CHART]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /admin.existingSecret or admin.adminToken is required/);
  });

  it('takes tokens from an existing Secret without creating one', () => {
    const r = render(bin, { 'admin.existingSecret': 'my-tokens', 'admin.adminToken': '' });
    assert.equal(byKind(r, 'Secret').length, 0);
    assert.deepEqual(one(r, 'Deployment').spec.template.spec.containers[0].envFrom, [{ secretRef: { name: 'my-tokens' } }]);
  });

  it('mounts an ONNX model volume read-only and points EMBEDDING_MODEL_DIR at the model', () => {
    const r = render(bin, {
      'embedder.provider': 'onnx', 'embedder.modelVolume.enabled': 'true', 'embedder.modelVolume.modelDir': 'all-MiniLM-L6-v2',
      'embedder.modelVolume.source.persistentVolumeClaim.claimName': 'models',
    });
    const d = one(r, 'Deployment');
    assert.equal(env(d).EMBEDDER, 'onnx');
    assert.equal(env(d).EMBEDDING_MODEL_DIR, '/models/all-MiniLM-L6-v2');
    const mount = d.spec.template.spec.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'model');
    assert.deepEqual(mount, { name: 'model', mountPath: '/models', readOnly: true });
    assert.deepEqual(d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'model'), { name: 'model', persistentVolumeClaim: { claimName: 'models' } });
  });

  it('with mTLS: the certificate files from a Secret, and an HTTP liveness probe (the kubelet has no client certificate)', () => {
    const d = one(render(bin, { 'grpc.tls.secretName': 'semcache-tls' }), 'Deployment');
    assert.equal(env(d).GRPC_TLS_CLIENT_CA, '/tls/ca.crt');
    const c = d.spec.template.spec.containers[0];
    assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
    assert.equal(c.livenessProbe.grpc, undefined);
    assert.deepEqual(d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'tls'), { name: 'tls', secret: { secretName: 'semcache-tls' } });
  });

  it('optionally renders a ServiceMonitor that sends the metrics-only token, and an Istio EnvoyFilter aimed at the Service', () => {
    const r = render(bin, { 'serviceMonitor.enabled': 'true', 'istio.envoyFilter.enabled': 'true' });
    const sm = one(r, 'ServiceMonitor');
    assert.deepEqual(sm.spec.endpoints[0].authorization.credentials, { name: one(r, 'Secret').metadata.name, key: 'METRICS_TOKEN' });
    const noMetricsToken = one(render(bin, { 'serviceMonitor.enabled': 'true', 'admin.metricsToken': '' }), 'ServiceMonitor');
    assert.equal(noMetricsToken.spec.endpoints[0].authorization.credentials.key, 'ADMIN_READ_TOKEN', 'else the read token');
    const ef = one(r, 'EnvoyFilter');
    assert.equal(ef.metadata.namespace, 'istio-system');
    const filter = ef.spec.configPatches[0].patch.value.typed_config;
    assert.equal(filter.grpc_service.envoy_grpc.cluster_name, 'outbound|50051||semcache.semcache.svc.cluster.local');
    assert.equal(filter.failure_mode_allow, true, 'the cache never takes the model down');
    assert.equal(filter.allow_mode_override, true);
  });
});
