import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface EnvoyBinary {
  version: string;
  path: string;
}

/** The pinned Envoy versions, newest first, as scripts/envoy/versions.txt lists them. */
export function pinnedVersions(): string[] {
  return readFileSync(`${REPO}scripts/envoy/versions.txt`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => line.split(/\s+/)[0]!);
}

/** The installed binary of one pinned version; a clear error (never a skip) when it is not installed. */
export function envoyBinary(version: string): EnvoyBinary {
  const pathFile = `${REPO}.tools/envoy/${version}/envoy-path`;
  const path = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (!path || !existsSync(path)) throw new Error(`Envoy ${version} is not installed: run \`npm run setup:envoy\` (scripts/install-envoy.sh)`);
  return { version, path };
}

export const newestEnvoy = (): EnvoyBinary => envoyBinary(pinnedVersions()[0]!);
export const oldestEnvoy = (): EnvoyBinary => envoyBinary(pinnedVersions().at(-1)!);
export const allEnvoys = (): EnvoyBinary[] => pinnedVersions().map(envoyBinary);

export const REPO_ROOT = REPO;
