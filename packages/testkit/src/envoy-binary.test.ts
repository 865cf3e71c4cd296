import assert from 'node:assert/strict';
import { it } from 'node:test';
import { envoyBinary, pinnedVersions } from './envoy-binary.ts';

it('lists the pinned versions newest first', () => {
  const versions = pinnedVersions();
  assert.ok(versions.length >= 2, 'the newest and the oldest supported');
  const key = (v: string) => v.split('.').map(Number).reduce((n, part) => n * 1000 + part, 0);
  assert.deepEqual([...versions].sort((a, b) => key(b) - key(a)), versions);
});

it('names the install command when a version is not installed, instead of skipping', () => {
  assert.throws(() => envoyBinary('0.0.0'), /Envoy 0\.0\.0 is not installed: run `npm run setup:envoy`/);
});
