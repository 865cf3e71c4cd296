import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono, Next } from 'hono';

/** Where `vite build` in apps/dashboard writes the app. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

/** Paths owned by other parts of the process: a typo there must get their 404, never the dashboard's HTML. */
const RESERVED = ['/api', '/metrics', '/healthz', '/readyz'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Prompts and answers shown by the dashboard are user content: the app renders them as text, and this policy
 * keeps any script that slipped through from running or phoning out.
 */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>semcache dashboard not built</title>
<h1>The dashboard is not built</h1>
<p>Build it with <code>npm run build --workspace @semcache/dashboard</code> (<code>npm start</code> does this), then reload.
The admin API at <code>/api</code>, <code>/metrics</code> and the probes work without it.</p>`;

/**
 * Serves the built single-page app at `/`: files from the build directory, index.html for any other path
 * (client-side routes), and a clear page when the app has not been built. Mount it after every other route:
 * it answers every other GET path.
 */
export function mountDashboard(app: Hono, dir: string = DEFAULT_DASHBOARD_DIR): void {
  const root = resolve(dir);
  const handler = async (c: Context, next: Next): Promise<Response | void> => {
    const path = c.req.path;
    if (RESERVED.some((p) => path === p || path.startsWith(`${p}/`))) return next();
    const file = await fileFor(root, path);
    if (file !== null) return send(c, file, path.startsWith('/assets/'));
    // A missing file with an extension is a broken link, not a client-side route.
    if (extname(path) !== '' && path !== '/index.html') return c.text('not found', 404);
    const index = join(root, 'index.html');
    if (!(await isFile(index))) return c.html(NOT_BUILT, 503, { 'cache-control': 'no-store' });
    return send(c, index, false);
  };
  app.get('*', handler);
  app.on('HEAD', '*', handler);
}

/** The file under root for a URL path, or null; never a path outside root. */
async function fileFor(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.endsWith('/')) return null;
  const full = resolve(root, `.${decoded}`);
  if (!full.startsWith(root + sep)) return null;
  return (await isFile(full)) ? full : null;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function send(c: Context, file: string, immutable: boolean): Promise<Response> {
  const body = await readFile(file);
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const headers = {
    'content-type': type,
    'content-length': String(body.length),
    // Vite puts a content hash in every file name under assets/; index.html must be fetched fresh to see new ones.
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(type.startsWith('text/html') ? { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' } : {}),
  };
  return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(new Uint8Array(body), 200, headers);
}
