/**
 * The labelled outside pairs (`shared/data/outside/`), split once for every benchmark and trainer: `train` for
 * fitting models, `tune` for choosing thresholds, `validation` for reporting only. The part of a pair follows
 * from a hash of its text, so the split is the same in every script, whatever order or subset it reads.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type OutsidePart = 'train' | 'tune' | 'validation';
export type OutsideSource = 'qqp' | 'sick';

export interface OutsidePair {
  readonly a: string;
  readonly b: string;
  /** True when a cached answer to `a` is a correct answer to `b`. */
  readonly same: boolean;
  readonly source: OutsideSource;
  readonly part: OutsidePart;
}

interface QqpRow { readonly a: string; readonly b: string; readonly same: boolean }
interface SickRow { readonly a: string; readonly b: string; readonly label: string; readonly ab: string; readonly ba: string }

export const OUTSIDE_DIR = process.env.SEMCACHE_OUTSIDE_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'outside');

/** 60% train, 20% tune, 20% validation. */
export function outsidePart(a: string, b: string): OutsidePart {
  const h = createHash('sha256').update(`${a}\n${b}`).digest().readUInt32BE(0) % 10;
  return h < 6 ? 'train' : h < 8 ? 'tune' : 'validation';
}

/**
 * SICK: a pair that entails both ways is a paraphrase; CONTRADICTION and NEUTRAL pairs must not share an answer;
 * one-way entailment ("a man is playing a guitar" / "a man is playing an instrument") is left out as ambiguous.
 */
function sickSame(row: SickRow): boolean | null {
  const both = row.ab.endsWith('entails_B') && row.ba.endsWith('entails_A');
  if (both) return true;
  if (row.label === 'CONTRADICTION' || row.label === 'NEUTRAL') return false;
  return null;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(OUTSIDE_DIR, file), 'utf8')) as T;

export function loadOutsidePairs(opts: { parts?: readonly OutsidePart[]; sources?: readonly OutsideSource[] } = {}): OutsidePair[] {
  const parts = new Set(opts.parts ?? ['train', 'tune', 'validation']);
  const sources = new Set(opts.sources ?? ['qqp', 'sick']);
  const out: OutsidePair[] = [];
  const push = (a: string, b: string, same: boolean, source: OutsideSource) => {
    const part = outsidePart(a, b);
    if (parts.has(part)) out.push({ a, b, same, source, part });
  };
  if (sources.has('qqp')) for (const r of readJson<QqpRow[]>('qqp_labelled.json')) push(r.a, r.b, r.same, 'qqp');
  if (sources.has('sick')) {
    for (const r of readJson<SickRow[]>('sick_train_trial.json')) {
      const same = sickSame(r);
      if (same !== null) push(r.a, r.b, same, 'sick');
    }
  }
  return out;
}
