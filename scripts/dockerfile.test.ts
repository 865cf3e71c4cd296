// deploy/Dockerfile without a Docker engine: its RUN lines, then its CMD, in a clean folder that holds only what
// `COPY . .` takes (the tracked files), with the image's ENV. The server must start and answer /readyz.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = join(import.meta.dirname, '..');

interface Step { readonly command: string; readonly env: Record<string, string> }
interface DockerSteps { readonly run: Step[]; cmd: Step | null }

/** RUN and CMD lines, each with the ENV in force where it stands (a FROM starts a stage with none). */
function readDockerfile(): DockerSteps {
  const steps: DockerSteps = { run: [], cmd: null };
  let env: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8').split('\n')) {
    const [instruction, ...rest] = line.trim().split(/\s+/);
    const args = rest.join(' ');
    if (instruction === 'FROM') env = {};
    if (instruction === 'ENV') {
      const [key, value] = args.split('=');
      env = { ...env, [key!]: value! };
    }
    if (instruction === 'RUN') steps.run.push({ command: args, env });
    if (instruction === 'CMD') steps.cmd = { command: args, env };
  }
  return steps;
}

async function readyz(port: number, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    try {
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
    } catch {
      await sleep(200);
    }
  }
  return 0;
}

test('the Dockerfile\'s steps install, build and start a server that answers /readyz', { timeout: 600_000 }, async () => {
  const steps = readDockerfile();
  assert.ok(steps.run.some((r) => r.command.startsWith('npm ci')), 'the image installs with npm ci from the lockfile');
  assert.ok(steps.cmd, 'the image has a CMD');
  const app = mkdtempSync(join(tmpdir(), 'semcache-image-'));
  try {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(app, file)), { recursive: true });
      cpSync(join(ROOT, file), join(app, file));
    }
    // The image's Node is 24; here that is the Node running this test.
    const envOf = (step: Step) => ({ ...process.env, ...step.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` });
    for (const run of steps.run) execFileSync('sh', ['-c', run.command], { cwd: app, env: envOf(run), stdio: 'ignore' });

    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const [command, ...args] = JSON.parse(steps.cmd!.command) as string[];
    const server = spawn(command!, args, {
      cwd: app,
      env: { ...envOf(steps.cmd!), HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', GRPC_PORT: '0', GRPC_HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    try {
      assert.equal(await readyz(port, Date.now() + 60_000), 200);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.match(await page.text(), /<div id="root">/, 'the built dashboard is served');
    } finally {
      server.kill('SIGTERM');
    }
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
