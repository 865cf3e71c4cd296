import type { NliPair } from './nli-pipeline.ts';

/** What the worker needs to load its model; structured-cloned into it. */
export interface NliWorkerSetup {
  readonly dir: string;
  readonly threads: number;
}

export interface NliWorkerRequest {
  readonly id: number;
  readonly pairs: readonly NliPair[];
}

export type NliWorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'scores'; readonly id: number; readonly scores: Float32Array }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
