import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePartitionName, partitionName, type Partition } from './partition.ts';

describe('partition names', () => {
  const partitions: Partition[] = [
    { model: 'gpt-4o', tenant: null },
    { model: 'gpt-tenant', tenant: 'acme' },
    { model: 'gpt-tenant|acme', tenant: null },
    { model: 'm', tenant: 'a|b' },
    { model: 'm|a', tenant: 'b' },
    { model: 'm%7Ca', tenant: 'b' },
    { model: 'llama/3:8b@q4', tenant: '100%' },
    { model: 'm', tenant: null, route: '/openai' },
    { model: 'm', tenant: '~/openai', route: null },
    { model: 'm~x', tenant: 'acme', route: '//a.example ?v=1|2 api-version=1' },
    { model: 'm', tenant: 'acme', route: '' },
  ];

  it('gives every partition its own name, and reads each name back as its partition', () => {
    const names = partitions.map(partitionName);
    assert.equal(new Set(names).size, partitions.length);
    for (const [i, name] of names.entries()) assert.deepEqual(parsePartitionName(name), { route: null, ...partitions[i] });
  });

  it('keeps the names of plain model and tenant names as they were', () => {
    assert.equal(partitionName({ model: 'gpt-4o', tenant: null }), 'gpt-4o');
    assert.equal(partitionName({ model: 'gpt-4o', tenant: 'acme' }), 'gpt-4o|acme');
    assert.equal(partitionName({ model: 'gpt-4o', tenant: null, route: '/openai' }), 'gpt-4o|~/openai');
  });

  it('refuses names that no partition has', () => {
    assert.throws(() => parsePartitionName('m|a|b'), /not a namespace name/);
    assert.throws(() => parsePartitionName('m|'), /not a namespace name/);
    assert.throws(() => parsePartitionName('m|~a|~b'), /not a namespace name/);
  });
});
