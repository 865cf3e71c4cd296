import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  file(name: string): string;
  pem(name: string): Buffer;
  remove(): void;
}

const openssl = (dir: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

function issue(dir: string, name: string, ca: string, subject: string, ext: string): void {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
}

function newCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`]);
}

/**
 * A CA with a server certificate for 127.0.0.1 and a client certificate, plus a second, unrelated CA with a
 * client certificate of its own: made fresh by openssl for each test run, never checked in.
 */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'semcache-pki-'));
  newCa(dir, 'ca');
  issue(dir, 'server', 'ca', '/CN=semcache', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'client', 'ca', '/CN=envoy', 'extendedKeyUsage=clientAuth\n');
  newCa(dir, 'rogue-ca');
  issue(dir, 'rogue-client', 'rogue-ca', '/CN=intruder', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    file: (name) => join(dir, name),
    pem: (name) => readFileSync(join(dir, name)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
