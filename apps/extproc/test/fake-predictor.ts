import type http from 'node:http';
import { LoopbackServer, readBody } from '@semcache/testkit';
import { BuiltinHashedEmbedder } from '../src/embedders/builtin-hashed.ts';

export interface PredictorCall {
  host: string | undefined;
  path: string;
  body: unknown;
}

/**
 * A stand-in for a KServe v1 predictor (or an OpenAI /v1/embeddings server) on 127.0.0.1: it embeds with the
 * built-in embedder, so paraphrases still hit, and records each call's Host header.
 */
export class FakePredictor extends LoopbackServer {
  readonly calls: PredictorCall[] = [];
  delayMs = 0;
  /** The vector to answer for a text instead of its embedding (a misbehaving model server). */
  answerFor: ((text: string) => unknown) | null = null;
  /** White space appended to each answer: valid JSON of any size. */
  padBytes = 0;
  #embedder = new BuiltinHashedEmbedder({ dimensions: 256 });

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = JSON.parse((await readBody(req)).toString('utf8')) as { instances?: string[]; input?: string[] };
    this.calls.push({ host: req.headers.host, path: req.url ?? '', body });
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (res.destroyed) return;
    const texts = body.instances ?? body.input ?? [];
    const vectors = (await this.#embedder.embed(texts)).map((v, i) => this.answerFor?.(texts[i]!) ?? [...v]);
    const answer = body.instances
      ? { predictions: vectors }
      : { object: 'list', data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })) };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer) + ' '.repeat(this.padBytes));
  }
}
