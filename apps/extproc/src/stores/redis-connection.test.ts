import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRedisConnections } from './redis-connection.ts';

const reconnectStrategy = () => 100;

describe('createRedisConnections', () => {
  it('gives the stream follower a client of its own, for a single Redis and for a cluster', () => {
    for (const cluster of [false, true]) {
      const { client, reader } = createRedisConnections({ url: 'redis://127.0.0.1:6379', cluster, reconnectStrategy });
      assert.notEqual(reader, client, `cluster: ${cluster}`);
      assert.equal(client.isOpen, false, 'nothing connects before the replicator starts');
    }
  });

  it('refuses a cluster url that names a database other than 0, saying why', () => {
    assert.throws(
      () => createRedisConnections({ url: 'redis://127.0.0.1:7000/2', cluster: true, reconnectStrategy }),
      /Redis Cluster has only database 0, the url names database 2/,
    );
    assert.doesNotThrow(() => createRedisConnections({ url: 'redis://127.0.0.1:7000/0', cluster: true, reconnectStrategy }));
    assert.doesNotThrow(() => createRedisConnections({ url: 'redis://127.0.0.1:6379/2', cluster: false, reconnectStrategy }));
  });
});
