/**
 * Which entry of the committed model file bench/train-verifier.ts may replace. Without being told, a run would
 * overwrite the weights of whichever embedder the environment happens to select (the built-in one when
 * EMBEDDER is unset), so the trainer asks for the entry by name and checks it against what it trains.
 */

/** Short names of the committed models: the embedder each entry belongs to. */
export const MODEL_ENTRIES: Readonly<Record<string, string>> = {
  builtin: 'builtin/hashed-ngrams',
  minilm: 'onnx-local/all-minilm-l6-v2-int8',
};

export const USAGE = `say which model entry to (re)write: --write ${Object.keys(MODEL_ENTRIES).join(' | --write ')} | --write <provider/model>, or --dry-run to train and report without writing`;

/** A clear refusal, before anything is trained or written. */
export class WriteTargetError extends Error {}

/** The embedder name whose entry `argv` asks to rewrite; null for `--dry-run`. */
export function writeTarget(argv: readonly string[]): string | null {
  const at = argv.indexOf('--write');
  const dryRun = argv.includes('--dry-run');
  if (at >= 0 && dryRun) throw new WriteTargetError(`--write and --dry-run contradict each other; ${USAGE}`);
  if (dryRun) return null;
  if (at < 0) throw new WriteTargetError(`refusing to write apps/extproc/src/verifier/models/pair-classifier.json: ${USAGE}`);
  const named = argv[at + 1];
  if (named === undefined || named.startsWith('--')) throw new WriteTargetError(`--write needs a model; ${USAGE}`);
  const embedder = MODEL_ENTRIES[named] ?? (named.includes('/') ? named : undefined);
  if (embedder === undefined) throw new WriteTargetError(`--write ${named}: no such model; ${USAGE}`);
  return embedder;
}

/** Refuses a run whose embedder is not the one whose entry it was told to rewrite. */
export function checkTarget(target: string | null, trained: string): void {
  if (target !== null && target !== trained) {
    throw new WriteTargetError(`--write names ${target}, but this run trains ${trained} (EMBEDDER, EMBEDDING_MODEL_DIR): nothing written`);
  }
}
