import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tenantLabeller } from './tenant-label.ts';

describe('tenantLabeller', () => {
  it('hashes the tenant, stably, keeps the model, and leaves tenantless namespaces alone', () => {
    const label = tenantLabeller('hash', undefined);
    assert.match(label('gpt-4o|acme-corp'), /^gpt-4o\|#[0-9a-f]{12}$/);
    assert.equal(label('gpt-4o|acme-corp'), label('gpt-4o|acme-corp'));
    assert.notEqual(label('gpt-4o|acme-corp'), label('gpt-4o|globex'));
    assert.equal(label('gpt-4o'), 'gpt-4o');
  });

  it('keys the hash when a key is given, so a guessed tenant name cannot be checked against it', () => {
    assert.notEqual(tenantLabeller('hash', 'k1')('m|acme'), tenantLabeller('hash', undefined)('m|acme'));
    assert.notEqual(tenantLabeller('hash', 'k1')('m|acme'), tenantLabeller('hash', 'k2')('m|acme'));
  });

  it('drops the tenant or keeps it plain when told', () => {
    assert.equal(tenantLabeller('drop', undefined)('gpt-4o|acme'), 'gpt-4o');
    assert.equal(tenantLabeller('plain', undefined)('gpt-4o|acme'), 'gpt-4o|acme');
  });
});
