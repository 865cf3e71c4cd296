import http from 'node:http';

/** What a load client needs of one answer through Envoy: its status and the cache's verdict header. */
export interface PostOutcome { status: number; cache: string | null }

/** One JSON POST on a keep-alive agent, the body read to the end so that the socket is reused. */
export function keepAlivePost(agent: http.Agent, url: URL, body: string): Promise<PostOutcome> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cache: (res.headers['x-semantic-cache'] as string | undefined) ?? null }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
