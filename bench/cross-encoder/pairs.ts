/** Writes the outside pairs' train part (bench/quality/outside-split.ts) as JSONL, the input of train.py. */
import { writeFileSync } from 'node:fs';
import { loadOutsidePairs } from '../quality/outside-split.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: pairs.ts <out.jsonl>');
const train = loadOutsidePairs({ parts: ['train'] });
writeFileSync(out, train.map((p) => JSON.stringify({ a: p.a, b: p.b, same: p.same, part: p.part })).join('\n') + '\n');
console.log(`${train.length} train pairs -> ${out}`);
