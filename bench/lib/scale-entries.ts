/**
 * Cache entries at scale for the snapshot and Redis benchmarks: real prompts (made distinct by a number),
 * answers shaped like an OpenAI chat completion of ~600 characters of text, and embedding-like 384-dimension
 * vectors. `populate` fills an engine the way a restart with a saved index does (the index built in bulk, then
 * the entries applied), so that a million entries take a minute rather than the engine's one-by-one inserts.
 */
import { createHash } from 'node:crypto';
import type { CacheEngine } from '../../apps/extproc/src/cache/cache-engine.ts';
import type { CacheEntry } from '../../apps/extproc/src/cache/entry.ts';
import { packText } from '../../apps/extproc/src/cache/packed-text.ts';
import { VectorIndex } from '../../apps/extproc/src/cache/vector-index.ts';
import { vectorOf } from '../../apps/extproc/src/cache/vector-slab.ts';
import { readPrompts } from './prompt-embeddings.ts';
import { embeddingLike, gaussian, seededRandom } from './random-vectors.ts';

export const DIMENSIONS = 384;
export const NAMESPACE = 'gpt-4o';

export interface ScaleEntries {
  entries: CacheEntry[];
  /** UTF-8 bytes of the prompts and answers together. */
  payloadBytes: number;
  /** More vectors from the distribution of the entries' own, for queries. */
  draw: () => Float32Array;
}

export function makeEntries(n: number, now = Date.now()): ScaleEntries {
  const texts = readPrompts(20_000).prompts;
  const random = seededRandom(n);
  const draw = embeddingLike(DIMENSIONS, gaussian(random));
  const pick = (): string => texts[Math.floor(random() * texts.length)]!;
  const entries: CacheEntry[] = [];
  let payloadBytes = 0;
  for (let i = 0; i < n; i++) {
    const prompt = `${pick()} (${i})`;
    let content = '';
    while (content.length < 600) content += `${pick()} `;
    const response = JSON.stringify({
      id: `chatcmpl-${i.toString(36)}`, object: 'chat.completion', created: Math.floor(now / 1000), model: NAMESPACE,
      choices: [{ index: 0, message: { role: 'assistant', content: content.trim() }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 24, completion_tokens: 150, total_tokens: 174 },
    });
    const fingerprint = createHash('sha256').update(`system prompt ${i % 10}`).digest('hex');
    payloadBytes += Buffer.byteLength(prompt) + Buffer.byteLength(response);
    entries.push({
      key: BigInt(i + 1) * 7919n,
      namespace: NAMESPACE, endpoint: 'chat', prompt, fingerprint,
      vector: draw(), response: packText(response), contentType: 'application/json',
      usage: { promptTokens: 24, completionTokens: 150, totalTokens: 174 },
      createdAt: now, lastHitAt: null, hitCount: 0, expiresAt: now + 7 * 86_400_000,
      tags: [], modelRevision: null, systemFingerprint: null, epoch: 0,
    });
  }
  return { entries, payloadBytes, draw };
}

/**
 * Bulk-builds the namespace's index on `threads` threads, then applies the entries, which find their vectors
 * in it. Returns the vectors end to end, in the entries' order.
 */
export function populate(engine: CacheEngine, entries: readonly CacheEntry[], threads = 2): Float32Array {
  const ns = engine.namespaces.obtain(NAMESPACE);
  const index = new VectorIndex(DIMENSIONS, ns.precisionFor(DIMENSIONS));
  const flat = new Float32Array(entries.length * DIMENSIONS);
  entries.forEach((e, i) => flat.set(vectorOf(e.vector), i * DIMENSIONS));
  const keys = BigUint64Array.from(entries, (e) => e.key);
  index.addMany(keys, flat, threads);
  ns.adoptIndex(index);
  for (const entry of entries) engine.apply({ type: 'add', entry });
  ns.finishAdoption(keys);
  return flat;
}
