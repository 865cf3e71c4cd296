import type { PairModelManifest } from './pair-manifest.ts';
import type { TextPair } from './pair-pipeline.ts';

/** What the worker needs to load its model; structured-cloned into it. The manifest says how to score. */
export interface PairWorkerSetup {
  readonly dir: string;
  readonly manifest: PairModelManifest;
  readonly threads: number;
}

export interface PairWorkerRequest {
  readonly id: number;
  readonly pairs: readonly TextPair[];
}

export type PairWorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'scores'; readonly id: number; readonly scores: Float32Array }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
