import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_MODEL, MANIFEST_FILE, modelsRoot, type ModelManifest } from './model-catalog.ts';
import { assertUnsignedInt8Weights } from './unsigned-int8-weights.ts';

/** Where a model's files come from: a directory on disk, or a hub (through transformers.js and its cache). */
export type ModelSource =
  | { readonly kind: 'dir'; readonly dir: string }
  | { readonly kind: 'hub'; readonly id: string; readonly remoteHost: string; readonly cacheDir: string; readonly allowRemote: boolean };

export interface ModelSourceOptions {
  readonly modelDir?: string | undefined;
  /** A name under models/ (installed by `npm run model:install`) or a hub id such as `owner/name`. */
  readonly model?: string | undefined;
  readonly hubUrl?: string | undefined;
  readonly hubCacheDir?: string | undefined;
  readonly allowRemote?: boolean | undefined;
}

export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')] as const;
/** Enough of the model file to tell two exports apart without reading hundreds of megabytes. */
const FINGERPRINT_BYTES = 1 << 20;

export function resolveModelSource(opts: ModelSourceOptions): ModelSource {
  if (opts.modelDir) return { kind: 'dir', dir: resolve(opts.modelDir) };
  const model = opts.model ?? DEFAULT_MODEL;
  if (model.includes('/')) {
    return {
      kind: 'hub',
      id: model,
      remoteHost: opts.hubUrl ?? 'https://huggingface.co/',
      cacheDir: resolve(opts.hubCacheDir ?? join(modelsRoot(), 'hub')),
      allowRemote: opts.allowRemote ?? false,
    };
  }
  return { kind: 'dir', dir: join(modelsRoot(), model) };
}

/** Checks the files before transformers.js does, for an error that names what is missing or a graph that would embed differently on another CPU. Returns hidden_size. */
export function validateModelDir(dir: string): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const hint = dir.startsWith(modelsRoot()) ? ` (install it with: npm run model:install ${basename(dir)})` : '';
    throw new Error(`onnx-local embedder: model directory ${dir} does not exist${hint}`);
  }
  const missing = REQUIRED_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new Error(`onnx-local embedder: ${dir} lacks ${missing.join(', ')}`);
  const file = join(dir, 'config.json');
  let config: { hidden_size?: unknown; model_type?: unknown };
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as typeof config;
  } catch (err) {
    throw new Error(`onnx-local embedder: ${file} is not valid JSON`, { cause: err });
  }
  if (typeof config.model_type !== 'string') throw new Error(`onnx-local embedder: ${file} has no model_type`);
  if (!Number.isInteger(config.hidden_size) || (config.hidden_size as number) <= 0) {
    throw new Error(`onnx-local embedder: ${file} has no positive integer hidden_size`);
  }
  assertUnsignedInt8Weights(join(dir, 'onnx', 'model.onnx'), 'onnx-local embedder');
  return config.hidden_size as number;
}

/** The installer's `semcache-model.json`, when the directory has one; a broken one is an error naming it. */
export function readManifest(dir: string): Partial<ModelManifest> | null {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<ModelManifest>;
  } catch (err) {
    throw new Error(`onnx-local embedder: ${file} is not valid JSON`, { cause: err });
  }
}

/** A content fingerprint, so vectors of two different exports with the same name are never compared. */
export function fingerprintDir(dir: string): string {
  const hash = createHash('sha256');
  const fd = openSync(join(dir, 'onnx', 'model.onnx'), 'r');
  try {
    const head = Buffer.alloc(FINGERPRINT_BYTES);
    const read = readSync(fd, head, 0, FINGERPRINT_BYTES, 0);
    hash.update(head.subarray(0, read)).update(String(fstatSync(fd).size));
  } finally {
    closeSync(fd);
  }
  hash.update(readFileSync(join(dir, 'tokenizer.json')));
  return hash.digest('hex').slice(0, 12);
}
