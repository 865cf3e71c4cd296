import type { AdminToken } from '../deps.ts';
import { WRITE_HEADER } from '@semcache/shared';
import { createAdminApp } from '../app.ts';
import { MemoryAdmin } from './memory-admin.ts';

export const READ_TOKEN = 'read-token-0123456789';
export const ADMIN_TOKEN = 'admin-token-0123456789';

export const TOKENS: AdminToken[] = [
  { name: 'viewer', token: READ_TOKEN, role: 'read' },
  { name: 'ops', token: ADMIN_TOKEN, role: 'admin' },
];

/** Log lines as written, for assertions on audit lines. */
export class RecordingLogger {
  readonly lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  info(obj: object, msg: string): void { this.lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }); }
  warn(obj: object, msg: string): void { this.lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }); }
  error(obj: object, msg: string): void { this.lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }); }

  audits(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => (l.obj.audit ? [l.obj.audit as Record<string, unknown>] : []));
  }
}

export interface TestApp {
  admin: MemoryAdmin;
  logger: RecordingLogger;
  /** A request with the admin token unless `token` says otherwise (null: none). */
  call(method: string, path: string, opts?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<Response>;
  app: ReturnType<typeof createAdminApp>;
}

export function testApp(admin = new MemoryAdmin().addNamespace('gpt-test'), extra: { maxBodyBytes?: number; shutdown?: AbortSignal; allowedOrigins?: string[] } = {}): TestApp {
  const logger = new RecordingLogger();
  const app = createAdminApp({ admin, tokens: TOKENS, logger, ...extra });
  return {
    admin,
    logger,
    app,
    call: (method, path, opts = {}) => {
      const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
      // As the dashboard and scripts do; a test that passes its own headers decides for itself.
      const headers: Record<string, string> = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(opts.headers ?? { [WRITE_HEADER]: 'test' }) };
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
  };
}
