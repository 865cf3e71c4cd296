import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { allEnvoys, DEFAULT_MODE, REPO_ROOT, type EnvoyBinary } from '@semcache/testkit';

const dir = mkdtempSync(join(tmpdir(), 'semcache-validate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function validate(binary: EnvoyBinary, file: string): { ok: boolean; output: string } {
  const run = spawnSync(binary.path, ['--mode', 'validate', '--use-dynamic-base-id', '-c', file, '--log-level', 'warning'], { encoding: 'utf8', timeout: 60_000 });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const readRepo = (file: string) => readFileSync(`${REPO_ROOT}${file}`, 'utf8');

interface Patch { applyTo: string; patch: { value: Record<string, unknown> } }

/**
 * The Istio file's Envoy parts in a plain bootstrap: its ext_proc filter before a router, a cluster under the
 * name it points at (as Istio would create it, HTTP/2), and the runtime layer its bootstrap patch merges.
 */
function istioAsBootstrap(): string {
  const docs = parseAllDocuments(readRepo('deploy/istio-envoyfilter.yaml')).map((d) => d.toJS() as { spec: { configPatches: Patch[] } });
  const patches = docs.flatMap((d) => d.spec.configPatches);
  const filter = patches.find((p) => p.applyTo === 'HTTP_FILTER')!.patch.value as { typed_config: { grpc_service: { envoy_grpc: { cluster_name: string } } } };
  const bootstrap = patches.find((p) => p.applyTo === 'BOOTSTRAP')!.patch.value;
  const cluster = filter.typed_config.grpc_service.envoy_grpc.cluster_name;
  return stringify({
    ...bootstrap,
    static_resources: {
      listeners: [{
        name: 'gateway',
        address: { socket_address: { address: '127.0.0.1', port_value: 8080 } },
        filter_chains: [{ filters: [{
          name: 'envoy.filters.network.http_connection_manager',
          typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
            stat_prefix: 'gateway',
            route_config: { virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster } }] }] },
            http_filters: [filter, { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
          },
        }] }],
      }],
      clusters: [{
        name: cluster,
        type: 'STATIC',
        typed_extension_protocol_options: {
          'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
            '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
            explicit_http_config: { http2_protocol_options: {} },
          },
        },
        load_assignment: { cluster_name: cluster, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 50051 } } } }] }] },
      }],
    },
  });
}

type Filters = { name: string }[];
const httpFilters = (config: unknown): Filters =>
  (config as { static_resources: { listeners: { filter_chains: { filters: { typed_config: { http_filters: Filters } }[] }[] }[] } })
    .static_resources.listeners[0]!.filter_chains[0]!.filters[0]!.typed_config.http_filters;

describe('deploy/envoy.yaml and the testkit client', () => {
  it("the testkit's EnvoyClient runs, by default, in the processing mode the shipped file configures", () => {
    const ext = httpFilters(parse(readRepo('deploy/envoy.yaml')) as unknown).find((f) => f.name === 'envoy.filters.http.ext_proc');
    const mode = (ext as unknown as { typed_config: { processing_mode: Record<string, string> } }).typed_config.processing_mode;
    assert.deepEqual(Object.fromEntries(Object.keys(DEFAULT_MODE).map((k) => [k, mode[k]])), DEFAULT_MODE);
  });
});

describe('deploy/envoy-untrusted-clients.yaml', () => {
  it("is deploy/envoy.yaml plus one header_mutation filter before ext_proc that removes the client-control headers", () => {
    const shipped = parse(readRepo('deploy/envoy.yaml')) as unknown;
    const untrusted = parse(readRepo('deploy/envoy-untrusted-clients.yaml')) as unknown;
    const filters = httpFilters(untrusted);
    assert.deepEqual(filters.map((f) => f.name), ['envoy.filters.http.header_mutation', 'envoy.filters.http.ext_proc', 'envoy.filters.http.router']);
    assert.deepEqual((filters[0] as unknown as { typed_config: { mutations: unknown } }).typed_config.mutations, {
      request_mutations: [{ remove: 'x-semantic-cache' }, { remove: 'x-semantic-cache-ttl' }, { remove: 'x-semantic-cache-tags' }],
    });
    filters.shift();
    assert.deepEqual(untrusted, shipped);
  });
});

for (const binary of allEnvoys()) {
  describe(`envoy ${binary.version} --mode validate`, () => {
    it('accepts deploy/envoy.yaml as shipped', () => {
      const r = validate(binary, `${REPO_ROOT}deploy/envoy.yaml`);
      assert.ok(r.ok, r.output);
    });

    it('accepts deploy/envoy-untrusted-clients.yaml as shipped', () => {
      const r = validate(binary, `${REPO_ROOT}deploy/envoy-untrusted-clients.yaml`);
      assert.ok(r.ok, r.output);
    });

    it("accepts the ext_proc filter, its cluster name and the runtime layer of deploy/istio-envoyfilter.yaml", () => {
      const file = join(dir, `istio-${binary.version}.yaml`);
      writeFileSync(file, istioAsBootstrap());
      const r = validate(binary, file);
      assert.ok(r.ok, r.output);
    });

    it('rejects a config with a mistake in the ext_proc block (the check can fail)', () => {
      const file = join(dir, `broken-${binary.version}.yaml`);
      writeFileSync(file, readRepo('deploy/envoy.yaml').replace('request_body_mode: BUFFERED', 'request_body_mode: BUFFERD'));
      const r = validate(binary, file);
      assert.equal(r.ok, false);
      assert.match(r.output, /BUFFERD/);
    });
  });
}
