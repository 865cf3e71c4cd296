import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadConfig } from './load-config.ts';
import { containerLimit, memoryBudget, oldSpaceFlag, readMemoryLimits } from './memory-budget.ts';

const MiB = 1024 * 1024;

describe('memory budget', () => {
  it('takes cgroup limits as libuv reports them, and knows their ways of saying "none"', () => {
    assert.equal(containerLimit(2 * 1024 * MiB), 2 * 1024 * MiB);
    assert.equal(containerLimit(0), null);
    assert.equal(containerLimit(2 ** 64 - 1), null);
    assert.equal(containerLimit(9223372036854771712), null);
    assert.ok(readMemoryLimits().heap > 0);
  });

  it('leaves out of the heap what the process already holds when it reads the limits', () => {
    const script = `const held = new Array(20 * 131072).fill(0.5);
      const { readMemoryLimits } = await import(${JSON.stringify(new URL('./memory-budget.ts', import.meta.url).href)});
      console.log(readMemoryLimits().heap, held.length);`;
    const run = spawnSync(process.execPath, ['--max-old-space-size=64', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const heap = Number(run.stdout.split(' ')[0]);
    assert.ok(heap <= 44 * MiB, `${heap / MiB} MiB of a 64 MiB old generation with 20 MiB held`);
  });

  it('reads the old generation limit from the last --max-old-space-size', () => {
    assert.equal(oldSpaceFlag(['--max-old-space-size=512']), 512 * MiB);
    assert.equal(oldSpaceFlag(['--max_old_space_size=256', '--max-old-space-size=128', '--inspect']), 128 * MiB);
    assert.equal(oldSpaceFlag(['', '--enable-source-maps']), null);
  });

  it('defaults to half the smaller of the container and heap limits', () => {
    const config = loadConfig({});
    assert.deepEqual(memoryBudget(config, { container: 512 * MiB, heap: 2048 * MiB }), {
      maxBytes: 256 * MiB, maxBytesPerNamespace: 256 * MiB, lookupLogBytes: 32 * MiB, source: 'container limit',
    });
    assert.equal(memoryBudget(config, { container: null, heap: 400 * MiB }).maxBytes, 200 * MiB);
    assert.equal(memoryBudget(config, { container: 4096 * MiB, heap: 400 * MiB }).source, 'heap limit');
  });

  it('takes configured bounds, and never lets a namespace exceed the total', () => {
    const b = memoryBudget(loadConfig({ CACHE_MAX_BYTES: String(100 * MiB), CACHE_MAX_BYTES_PER_NAMESPACE: String(500 * MiB) }), { container: null, heap: 4096 * MiB });
    assert.equal(b.maxBytes, 100 * MiB);
    assert.equal(b.maxBytesPerNamespace, 100 * MiB);
    assert.equal(b.source, 'configured');
  });
});
