// The shipped Kubernetes example must start: its container's environment (env values and the Secret it reads)
// passes the same validation as the server's start-up.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from './load-config.ts';

interface Manifest {
  kind: string;
  metadata: { name: string };
  stringData?: Record<string, string>;
  spec?: { template?: { spec: { containers: { env?: { name: string; value?: string }[]; envFrom?: { secretRef?: { name: string } }[] }[] } } };
}

const DEPLOY = join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'kubernetes');

test('the Kubernetes example\'s environment is a valid configuration', () => {
  const manifests = parseAllDocuments(readFileSync(join(DEPLOY, 'semcache.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
  const secrets = new Map(manifests.filter((m) => m.kind === 'Secret').map((m) => [m.metadata.name, m.stringData ?? {}]));
  const container = manifests.find((m) => m.kind === 'Deployment')!.spec!.template!.spec.containers[0]!;
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) Object.assign(env, secrets.get(from.secretRef!.name));
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  assert.ok(env.ADMIN_TOKEN, 'the example sets an admin token');
  const config = loadConfig(env);
  assert.equal(config.grpc.host, '0.0.0.0', 'Envoy in other pods can reach the ext_proc port');
});
