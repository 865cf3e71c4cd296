import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startHarness } from './harness.ts';

describe('a directory where a data file should be (real server, data directory)', () => {
  for (const name of ['snapshot.bin', 'changes-000000000007.log']) {
    it(`a directory named ${name} is set aside and persistence goes on`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'semcache-dirent-'));
      const settings = { 'store.persist': true, 'store.dataDir': dir };
      try {
        await mkdir(join(dir, name));
        const first = await startHarness(settings);
        await first.chat('Is this answer kept across a restart?');
        await first.close();
        const aside = (await readdir(dir)).filter((f) => f.startsWith(`${name}.unreadable-`));
        assert.equal(aside.length, 1, 'kept aside under a new name');
        assert.ok((await stat(join(dir, aside[0]!))).isDirectory(), 'untouched, for the operator to look at');

        const second = await startHarness(settings);
        try {
          assert.equal((await second.chat('Is this answer kept across a restart?')).headers['x-semantic-cache'], 'hit-exact');
        } finally {
          await second.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
