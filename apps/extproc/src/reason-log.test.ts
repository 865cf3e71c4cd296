import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ReasonLog } from './reason-log.ts';

describe('ReasonLog', () => {
  it('writes one line per reason at its level, however often the reason comes', () => {
    const lines: { level: number; reason: string }[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, done) { lines.push(JSON.parse(chunk.toString('utf8')) as never); done(); } });
    const log = new ReasonLog(pino({ level: 'info' }, sink), 'warn', 'request not cacheable');
    assert.equal(log.note('too-deep'), true);
    for (let i = 0; i < 5; i++) assert.equal(log.note('too-deep'), false);
    log.note('invalid-json', { detail: 'x' });
    assert.deepEqual(lines.map((l) => [l.level, l.reason]), [[40, 'too-deep'], [40, 'invalid-json']]);
  });
});
