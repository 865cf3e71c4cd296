import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './api-error.ts';
import { Http } from './http.ts';

type Seen = { url: string; init: RequestInit };

function fakeFetch(reply: () => Response, seen: Seen[] = []): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    return reply();
  }) as typeof fetch;
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('Http', () => {
  it('sends the bearer token, JSON bodies and query strings without empty values', async () => {
    const seen: Seen[] = [];
    const http = new Http({ baseUrl: '/api', token: () => 's3cret', fetch: fakeFetch(() => Response.json({ ok: 1 }), seen) });
    const out = await http.request<{ ok: number }>('PATCH', '/namespaces/a%7Cb', { query: { text: 'k8s', offset: 0, empty: '', none: undefined }, body: { threshold: 0.8 } });
    assert.deepEqual(out, { ok: 1 });
    assert.equal(seen[0]!.url, '/api/namespaces/a%7Cb?text=k8s&offset=0');
    const headers = seen[0]!.init.headers as Record<string, string>;
    assert.equal(headers.authorization, 'Bearer s3cret');
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['x-requested-by'], 'semcache-dashboard', 'the admin API refuses changes without it or a JSON body');
    assert.equal(seen[0]!.init.body, '{"threshold":0.8}');
  });

  it('sends no authorization header when no token is set', async () => {
    const seen: Seen[] = [];
    const http = new Http({ baseUrl: '', token: () => null, fetch: fakeFetch(() => Response.json([]), seen) });
    await http.request('GET', '/x');
    assert.equal((seen[0]!.init.headers as Record<string, string>).authorization, undefined);
  });

  it('maps 401, 403, 404, 400, 503 and 500 to kinds, keeping the server message', async () => {
    const cases: [number, unknown, string, string][] = [
      [401, { error: { message: 'token required' } }, 'unauthorized', 'token required'],
      [403, { error: 'read-only token' }, 'forbidden', 'read-only token'],
      [404, { message: 'no namespace x' }, 'not-found', 'no namespace x'],
      [400, { error: { code: 'invalid' } }, 'invalid', '400'],
      [503, null, 'down', '503'],
      [500, 'boom', 'server', '500'],
    ];
    for (const [status, body, kind, message] of cases) {
      const reply = (): Response => new Response(body === null ? null : JSON.stringify(body), { status });
      const err = await rejection(new Http({ baseUrl: '', token: () => 't', fetch: fakeFetch(reply) }).request('GET', '/x'));
      assert.equal(err.kind, kind, `status ${status}`);
      assert.equal(err.status, status);
      assert.ok(err.message.startsWith(message), `${status}: ${err.message}`);
    }
  });

  it('reports a network failure as the API being down', async () => {
    const failing = (async () => { throw new TypeError('fetch failed'); }) as typeof fetch;
    const err = await rejection(new Http({ baseUrl: '', token: () => null, fetch: failing }).request('GET', '/x'));
    assert.equal(err.kind, 'down');
    assert.equal(err.status, null);
  });

  it('reads a server-sent event stream through fetch, with the token', async () => {
    const seen: Seen[] = [];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        const enc = new TextEncoder();
        c.enqueue(enc.encode('event: lookup\ndata: {"id":"1"}\n\nda'));
        c.enqueue(enc.encode('ta: {"id":"2"}\n\n'));
        c.close();
      },
    });
    const http = new Http({ baseUrl: '/api', token: () => 't', fetch: fakeFetch(() => new Response(body, { headers: { 'content-type': 'text/event-stream' } }), seen) });
    const got: string[] = [];
    await http.stream('/lookups/stream', { namespace: 'a' }, (m) => got.push(`${m.event}:${m.data}`), new AbortController().signal, () => got.push('open'));
    assert.deepEqual(got, ['open', 'lookup:{"id":"1"}', 'message:{"id":"2"}']);
    assert.equal(seen[0]!.url, '/api/lookups/stream?namespace=a');
    assert.equal((seen[0]!.init.headers as Record<string, string>).authorization, 'Bearer t');
  });

  it('fails a stream that the server refuses with the mapped kind', async () => {
    const http = new Http({ baseUrl: '', token: () => 'bad', fetch: fakeFetch(() => new Response('{"error":"nope"}', { status: 401 })) });
    const err = await rejection(http.stream('/s', {}, () => {}, new AbortController().signal));
    assert.equal(err.kind, 'unauthorized');
  });
});
