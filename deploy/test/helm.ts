import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHART = join(ROOT, 'deploy', 'helm', 'semcache');
export const PLAIN_VALUES = join(CHART, 'ci', 'plain-values.yaml');

/** A Kubernetes object as rendered; the tests read into it by path. */
export type Manifest = { kind: string; metadata: { name: string; namespace?: string } } & Record<string, any>;

/** The pinned helm, built from the Go module proxy into .tools/helm by the project's script on first use. */
export function helmBinary(): string {
  return execFileSync('bash', [join(ROOT, 'scripts', 'install-helm.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

export function helm(bin: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8', cwd: ROOT });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` with the plain values plus `--set` pairs; throws with helm's message when it fails. */
export function render(bin: string, set: Record<string, string> = {}, extra: string[] = []): Manifest[] {
  const args = ['template', 'semcache', CHART, '--namespace', 'semcache', '-f', PLAIN_VALUES, ...extra];
  for (const [k, v] of Object.entries(set)) args.push('--set', `${k}=${v}`);
  const r = helm(bin, args);
  if (r.status !== 0) throw new Error(r.stderr);
  return parseManifests(r.stdout);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw d.errors[0];
    return d.toJS() as Manifest | null;
  }).filter((m): m is Manifest => m !== null);
}

export const byKind = (manifests: Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
export const one = (manifests: Manifest[], kind: string): Manifest => {
  const found = byKind(manifests, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, got ${found.length}`);
  return found[0]!;
};

export function env(deployment: Manifest): Record<string, unknown> {
  const container = deployment.spec.template.spec.containers[0];
  return Object.fromEntries((container.env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
}
