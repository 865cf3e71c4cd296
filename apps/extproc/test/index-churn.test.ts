import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const CHILD = join(import.meta.dirname, 'index-churn-child.ts');
/** usearch 2.25.3 lost its first key within ~400 steps of these patterns and hung in remove soon after. */
const OPERATIONS = 3_000;
const LIMIT_MS = 60_000;

/** Runs one churn pattern in a child process, killed at the limit: a hang fails the test instead of stalling it. */
function churn(pattern: string): Promise<{ code: number | null; timedOut: boolean; last: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, pattern, String(OPERATIONS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { tail = (tail + chunk).slice(-500); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, last: tail.trim().split('\n').at(-1) ?? '' });
    });
  });
}

describe('vector index under the engine churn of a full namespace (child process, time limit)', () => {
  for (const [pattern, reason, what] of [
    ['evict', 'lru', 'least-recently-used eviction at maxEntries 4'],
    ['expire', 'expired', 'expired entries removed by lookups'],
    ['replace', 'replaced', 'refresh replacing entries'],
  ] as const) {
    it(`${OPERATIONS} steps of ${what} finish, and no removed key stays in the index`, async () => {
      const r = await churn(pattern);
      assert.equal(r.timedOut, false, `hung: killed after ${LIMIT_MS} ms at '${r.last}'`);
      assert.equal(r.code, 0, `child failed at '${r.last}'`);
      const [ok, steps, removals] = r.last.split(' ');
      assert.deepEqual([ok, steps], ['ok', String(OPERATIONS)]);
      const removed = (JSON.parse(removals ?? '{}') as Record<string, number>)[reason] ?? 0;
      assert.ok(removed >= OPERATIONS * 0.9, `nearly every step removed an entry (${reason}): ${removed}`);
    });
  }
});
