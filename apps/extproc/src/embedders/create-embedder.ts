import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedderConfig } from '@semcache/shared';
import { BuiltinHashedEmbedder } from './builtin-hashed.ts';
import type { Embedder } from './embedder.ts';
import { KServeEmbedder } from './kserve-embedder.ts';
import { DEFAULT_MODEL, MANIFEST_FILE, modelsRoot } from './model-catalog.ts';
import { OpenAiEmbedder } from './openai-embedder.ts';
import { TeiEmbedder } from './tei-embedder.ts';

/** Where `auto` says which embedder it chose and why. */
export interface EmbedderLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export async function createEmbedder(config: EmbedderConfig, log?: EmbedderLog): Promise<Embedder> {
  switch (config.provider) {
    case 'builtin':
      return new BuiltinHashedEmbedder({ dimensions: config.dimensions });
    case 'openai':
      return new OpenAiEmbedder(config);
    case 'kserve':
      return new KServeEmbedder(config);
    case 'tei':
      return new TeiEmbedder(config);
    case 'onnx': {
      // Loaded only when chosen: onnxruntime costs start-up time and memory the builtin does not need.
      const { OnnxLocalEmbedder } = await import('./onnx-local.ts');
      return OnnxLocalEmbedder.load(config);
    }
    case 'auto':
      return autoEmbedder(log);
  }
}

/**
 * The default: the measured-best local model when `npm run model:install` (run by `npm start`) put it in place,
 * else the builtin. Either way one log line says which, so an operator never wonders why hits are lexical.
 */
async function autoEmbedder(log?: EmbedderLog): Promise<Embedder> {
  const dir = join(modelsRoot(), DEFAULT_MODEL);
  if (existsSync(join(dir, MANIFEST_FILE))) {
    try {
      const { OnnxLocalEmbedder } = await import('./onnx-local.ts');
      const embedder = await OnnxLocalEmbedder.load({ modelDir: dir });
      log?.info({ embedder: embedder.identity }, `embedder: ${DEFAULT_MODEL} from ${dir}`);
      return embedder;
    } catch (err) {
      log?.warn({ err: (err as Error).message }, `embedder: ${DEFAULT_MODEL} in ${dir} failed to load; using the builtin embedder`);
      return new BuiltinHashedEmbedder({ dimensions: 256 });
    }
  }
  log?.warn({ modelDir: dir }, `embedder: no local model installed (npm run model:install); using the builtin embedder`);
  return new BuiltinHashedEmbedder({ dimensions: 256 });
}
