import type { EmbedderConfig } from '@semcache/shared';
import { BuiltinHashedEmbedder } from './builtin-hashed.ts';
import type { Embedder } from './embedder.ts';
import { KServeEmbedder } from './kserve-embedder.ts';
import { OpenAiEmbedder } from './openai-embedder.ts';
import { TeiEmbedder } from './tei-embedder.ts';

export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
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
      // Loaded only when chosen: onnxruntime costs start-up time and memory the default does not need.
      const { OnnxLocalEmbedder } = await import('./onnx-local.ts');
      return OnnxLocalEmbedder.load(config.modelDir);
    }
  }
}
