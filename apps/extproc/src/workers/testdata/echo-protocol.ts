export interface EchoRequest {
  readonly id: number;
  readonly text: string;
}

export type EchoReply =
  | { readonly type: 'ready'; readonly greeting: string }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'echo'; readonly id: number; readonly text: string }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
