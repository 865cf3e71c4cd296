import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemoteEmbedder } from './remote-embedder.ts';

/** A model server as a function of the texts: what the base class does with its answers is under test. */
class ScriptedEmbedder extends RemoteEmbedder {
  readonly limits: number[] = [];
  answer: (texts: readonly string[]) => number[][];

  constructor(answer: (texts: readonly string[]) => number[][], dimensions?: number) {
    super('scripted', 'm', dimensions);
    this.answer = answer;
  }

  protected async request(texts: readonly string[], maxResponseBytes: number): Promise<Float32Array[]> {
    this.limits.push(maxResponseBytes);
    return this.answer(texts).map((row) => Float32Array.from(row));
  }
}

describe('RemoteEmbedder', () => {
  it('learns the dimensions from the probe, not from the first request', async () => {
    const e = new ScriptedEmbedder((texts) => texts.map(() => [1, 2, 2, 0]));
    await e.start();
    assert.equal(e.identity.dimensions, 4);
    e.answer = (texts) => texts.map(() => [1, 0, 0]);
    await assert.rejects(e.embed(['a']), { name: 'EmbedderError', kind: 'bad-response' });
    assert.equal(e.identity.dimensions, 4);
  });

  it('probes before the first request when start-up could not, and normalises', async () => {
    const e = new ScriptedEmbedder((texts) => texts.map(() => [3, 4]));
    const [v] = await e.embed(['a']);
    assert.deepEqual(v, Float32Array.from([0.6, 0.8]));
    assert.equal(e.limits.length, 2, 'the probe, then the request');
  });

  it('caps an answer near what the batch needs, and a probe at the largest configurable size', async () => {
    const e = new ScriptedEmbedder((texts) => texts.map(() => new Array<number>(384).fill(1)), 384);
    await e.embed(['a', 'b']);
    assert.equal(e.limits[0], 2 * 384 * 26 + 64 * 1024);
    const unknown = new ScriptedEmbedder((texts) => texts.map(() => [1]));
    await unknown.start();
    assert.equal(unknown.limits[0], 65_536 * 26 + 64 * 1024);
  });

  it('rejects degenerate vectors', async () => {
    const e = new ScriptedEmbedder((texts) => texts.map((t) => (t === 'zero' ? [0, 0] : [3.5e38, 1])), 2);
    await assert.rejects(e.embed(['zero']), { kind: 'degenerate' });
    await assert.rejects(e.embed(['huge']), { kind: 'degenerate' });
  });
});
