import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentLengthOf, readHeaders, setHeader } from './headers.ts';

describe('headers', () => {
  it('reads raw_value first, falls back to value, lower-cases keys and joins repeats', () => {
    const h = readHeaders({
      headers: [
        { key: ':path', raw_value: Buffer.from('/v1/completions') },
        { key: 'X-Old', value: 'from-value' },
        { key: 'both', value: 'ignored', raw_value: Buffer.from('raw') },
        { key: 'accept', raw_value: Buffer.from('a') },
        { key: 'accept', raw_value: Buffer.from('b') },
      ],
    });
    assert.equal(h.get(':path'), '/v1/completions');
    assert.equal(h.get('x-old'), 'from-value');
    assert.equal(h.get('both'), 'raw');
    assert.equal(h.get('accept'), 'a,b');
  });
  it('writes only raw_value, since Envoy rejects a mutation with both', () => {
    const opt = setHeader('x-semantic-cache', 'hit-exact');
    assert.equal(opt.header.value, undefined);
    assert.equal(Buffer.from(opt.header.raw_value!).toString(), 'hit-exact');
    assert.equal(opt.append_action, 'OVERWRITE_IF_EXISTS_OR_ADD');
  });
  it('reads a content-length, and nothing from one that is absent or not a number', () => {
    assert.equal(contentLengthOf(' 12345 '), 12345);
    assert.equal(contentLengthOf(undefined), null);
    assert.equal(contentLengthOf('12, 12'), null);
    assert.equal(contentLengthOf('-1'), null);
  });
});
