import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionTokenStore } from './token-store.ts';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('sessionTokenStore', () => {
  it('stores a trimmed token and forgets it when cleared or blank', () => {
    const storage = memoryStorage();
    const store = sessionTokenStore(storage);
    assert.equal(store.get(), null);
    store.set('  abc \n');
    assert.equal(store.get(), 'abc');
    store.set('   ');
    assert.equal(store.get(), null);
    store.set('x');
    store.set(null);
    assert.equal(storage.map.size, 0);
  });
});
