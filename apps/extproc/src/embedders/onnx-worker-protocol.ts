import type { ModelSource } from './model-source.ts';

/** What the worker needs to load its model; structured-cloned into it. */
export interface WorkerSetup {
  readonly source: ModelSource;
  readonly threads: number;
  readonly maxTokens: number;
  /** 0 for a hub model: the worker takes config.json's hidden_size. */
  readonly dimensions: number;
  readonly tokenOutput: string | undefined;
  readonly lengthRuns: boolean;
}

export interface WorkerRequest {
  readonly id: number;
  readonly texts: string[];
}

export type WorkerReply =
  | { readonly type: 'ready'; readonly hiddenSize: number | undefined }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'vectors'; readonly id: number; readonly vectors: Float32Array[] }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
