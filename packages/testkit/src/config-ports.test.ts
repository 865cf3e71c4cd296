import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { REPO_ROOT } from './envoy-binary.ts';
import { rewritePorts, SHIPPED_PORTS } from './config-ports.ts';

const shipped = readFileSync(`${REPO_ROOT}deploy/envoy.yaml`, 'utf8');

it('changes only the port numbers of the shipped config', () => {
  const out = rewritePorts(shipped, { [SHIPPED_PORTS.listener]: 0, [SHIPPED_PORTS.cache]: 4321, [SHIPPED_PORTS.model]: 4322, [SHIPPED_PORTS.admin]: 0 });
  const before = shipped.split('\n');
  const after = out.split('\n');
  assert.equal(after.length, before.length);
  const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line.trim(), after[i]!.trim()]]));
  assert.equal(changed.length, 4);
  for (const [was, now] of changed) assert.equal(was!.replace(/port_value: \d+/, ''), now!.replace(/port_value: \d+/, ''));
});

it('refuses a port that is not in the config exactly once', () => {
  assert.throws(() => rewritePorts(shipped, { 12345: 1 }), /port_value: 12345 exactly once/);
  assert.throws(() => rewritePorts('a: { port_value: 1 }\nb: { port_value: 1 }', { 1: 2 }), /found 2/);
});
