import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedMode } from './client-controls.ts';

describe('client controls', () => {
  it('read-only allows only the controls that lessen caching', () => {
    assert.equal(allowedMode('bypass', 'read-only'), 'bypass');
    assert.equal(allowedMode('no-store', 'read-only'), 'no-store');
    assert.equal(allowedMode('refresh', 'read-only'), 'normal');
  });

  it('off ignores every control, all allows every one', () => {
    for (const mode of ['bypass', 'no-store', 'refresh'] as const) {
      assert.equal(allowedMode(mode, 'off'), 'normal');
      assert.equal(allowedMode(mode, 'all'), mode);
    }
    assert.equal(allowedMode('normal', 'off'), 'normal');
  });
});
