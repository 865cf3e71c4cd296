// The committed lockfile must serve `npm ci` on any platform: it matches every workspace's package.json, and
// holds each optional dependency (turbo's and rolldown's per-platform binaries), which npm has been known to
// drop when it rewrites a lockfile from an existing node_modules (npm/cli#4828).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..');

interface Manifest {
  readonly name?: string;
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly link?: boolean;
  readonly resolved?: string;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const lock = readJson<{ packages: Record<string, Manifest> }>(join(ROOT, 'package-lock.json'));
const rootManifest = readJson<Manifest & { workspaces: string[] }>(join(ROOT, 'package.json'));

/** Where npm would find `name` for the package installed at `from`: its own node_modules, then each parent's. */
function resolveInLock(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
}

/** Optional dependencies that the registry does not serve (404): npm leaves them out of every lockfile. */
const UNPUBLISHED_OPTIONAL = new Set(['napi-windows-process-start-time']);

const workspaceDirs = (): string[] =>
  Object.entries(lock.packages).filter(([path, p]) => p.link && path.startsWith('node_modules/')).map(([, p]) => p.resolved!);

test('every workspace of package.json is in the lockfile with the same dependencies', () => {
  const dirs = ['', ...workspaceDirs()];
  assert.ok(dirs.length > rootManifest.workspaces.length, 'the lockfile lists the workspaces');
  for (const dir of dirs) {
    const manifest = readJson<Manifest>(join(ROOT, dir, 'package.json'));
    const locked = lock.packages[dir];
    assert.ok(locked, `${dir || 'the root'} is in package-lock.json`);
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies'] as const) {
      assert.deepEqual(locked[field] ?? {}, manifest[field] ?? {}, `${dir || 'root'} ${field}: package.json and package-lock.json differ; run npm install`);
    }
  }
});

test('every dependency of every locked package, optional ones of other platforms included, is locked too', () => {
  const missing: string[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const required = { ...p.dependencies, ...p.optionalDependencies };
    for (const name of Object.keys(p.peerDependencies ?? {})) {
      if (!p.peerDependenciesMeta?.[name]?.optional) required[name] = p.peerDependencies![name]!;
    }
    for (const name of Object.keys(required)) {
      if (UNPUBLISHED_OPTIONAL.has(name) && p.optionalDependencies?.[name]) continue;
      if (!resolveInLock(path, name)) missing.push(`${name} (needed by ${path || 'the root'})`);
    }
  }
  assert.deepEqual(missing, [], 'regenerate the lockfile from scratch: rm package-lock.json && npm install --package-lock-only');
});
