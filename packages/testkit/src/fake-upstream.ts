import type http from 'node:http';
import { embeddingsAnswer, messagesAnswer, responsesAnswer } from './api-answers.ts';
import { LoopbackServer, readBody } from './loopback-server.ts';

export interface UpstreamCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface UpstreamReply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or Buffer as is; an array of chunks is streamed with `chunkDelayMs`. */
  body?: unknown;
  chunks?: (string | Buffer)[];
  chunkDelayMs?: number;
  /** Awaited before chunk `index` is written: lets a test hold the stream until the client has seen earlier chunks. */
  beforeChunk?: (index: number) => Promise<void>;
  /** Cut the connection after the chunks, without ending the response properly. */
  abort?: boolean;
}

export type UpstreamHandler = (call: UpstreamCall) => UpstreamReply | Promise<UpstreamReply>;

/** The text of the last user message (chat) or the prompt (completions) of an OpenAI request. */
export function promptOf(body: unknown): string {
  const b = body as { prompt?: unknown; messages?: { content?: unknown }[] } | null;
  if (typeof b?.prompt === 'string') return b.prompt;
  if (Array.isArray(b?.prompt)) return String(b.prompt[0]);
  const last = Array.isArray(b?.messages) ? b.messages.at(-1)?.content : undefined;
  if (typeof last === 'string') return last;
  return last === undefined ? '' : JSON.stringify(last);
}

/** A deterministic answer in the API the path names, with usage, so tests can tell answers apart. */
export function openAiAnswer(call: UpstreamCall, n: number): Record<string, unknown> {
  const path = call.path.split('?')[0]!;
  const model = (call.body as { model?: string } | null)?.model ?? 'unknown';
  if (path.endsWith('/embeddings')) return embeddingsAnswer(call.body, n);
  const input = (call.body as { input?: unknown } | null)?.input;
  const prompt = path.endsWith('/responses') ? (typeof input === 'string' ? input : JSON.stringify(input)) : promptOf(call.body);
  const text = `Answer #${n} to: ${prompt}`;
  if (path.endsWith('/messages')) return messagesAnswer({ text, id: `msg_${n}`, model });
  if (path.endsWith('/responses')) return responsesAnswer({ text, id: `resp_${n}`, model });
  const usage = { prompt_tokens: 10 + prompt.length % 7, completion_tokens: 20, total_tokens: 30 + prompt.length % 7 };
  if (path.endsWith('/chat/completions')) {
    return {
      id: `chatcmpl-${n}`, object: 'chat.completion', created: 1_700_000_000 + n, model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage,
    };
  }
  return {
    id: `cmpl-${n}`, object: 'text_completion', created: 1_700_000_000 + n, model,
    choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }],
    usage,
  };
}

/** A small OpenAI-compatible model server on 127.0.0.1 that counts its calls. */
export class FakeUpstream extends LoopbackServer {
  readonly calls: UpstreamCall[] = [];
  /** The default behaviour: a fresh OpenAI answer per call. */
  readonly answer: UpstreamHandler = (call) => ({ body: openAiAnswer(call, this.calls.length) });
  handler: UpstreamHandler = this.answer;
  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = (await readBody(req)).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      // Tests send malformed bodies on purpose; the upstream records them as text.
    }
    const call: UpstreamCall = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
    this.calls.push(call);
    let reply: UpstreamReply;
    try {
      reply = await this.handler(call);
    } catch (err) {
      reply = { status: 500, body: { error: { message: `fake upstream handler failed: ${(err as Error).message}` } } };
    }
    const status = reply.status ?? 200;
    if (reply.chunks) {
      res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
      for (const [index, chunk] of reply.chunks.entries()) {
        await reply.beforeChunk?.(index);
        res.write(chunk);
        if (reply.chunkDelayMs) await new Promise((r) => setTimeout(r, reply.chunkDelayMs));
      }
      if (reply.abort) res.destroy();
      else res.end();
      return;
    }
    const payload = typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? Buffer.from(reply.body) : Buffer.from(JSON.stringify(reply.body ?? {}));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(payload.length), ...reply.headers });
    res.end(payload);
  }
}
