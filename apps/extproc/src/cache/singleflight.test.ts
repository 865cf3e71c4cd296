import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Singleflight } from './singleflight.ts';

describe('Singleflight', () => {
  it('makes the first caller of a key its leader and lets the others wait for it', async () => {
    const flights = new Singleflight({ maxLeaderMs: 60_000 });
    const leader = flights.join('k', 1000);
    const waiter = flights.join('k', 1000);
    assert.equal(flights.waiting, 1);
    assert.equal(leader.role, 'leader');
    assert.equal(waiter.role, 'waiter');
    assert.equal(flights.join('other', 1000).role, 'leader', 'keys are independent');
    if (leader.role !== 'leader' || waiter.role !== 'waiter') return;
    leader.done();
    assert.equal(await waiter.settled, true);
    assert.equal(flights.waiting, 0);
    assert.equal(flights.join('k', 1000).role, 'leader', 'a finished flight frees its key');
  });

  it('a waiter gives up after its own wait limit while the leader goes on', async () => {
    const flights = new Singleflight({ maxLeaderMs: 60_000 });
    const leader = flights.join('k', 20);
    const waiter = flights.join('k', 20);
    assert.ok(waiter.role === 'waiter');
    assert.equal(await waiter.settled, false);
    assert.equal(flights.size, 1);
    assert.ok(leader.role === 'leader');
    leader.done();
    leader.done();
    assert.equal(flights.size, 0, 'done twice is harmless');
  });

  it('frees the key of a leader that never finishes', async () => {
    const flights = new Singleflight({ maxLeaderMs: 20 });
    flights.join('k', 1000);
    const waiter = flights.join('k', 1000);
    assert.ok(waiter.role === 'waiter');
    assert.equal(await waiter.settled, true);
    assert.equal(flights.size, 0);
  });
});
