import type { Context } from 'hono';
import type { AdminEnv, AdminLogger } from './deps.ts';

export interface AuditRecord {
  action: string;
  namespace: string;
  /** The state before and after, as far as the change touches it. */
  old?: unknown;
  new?: unknown;
  [detail: string]: unknown;
}

/** One log line per change, naming the token that made it; never the token itself. */
export function audit(logger: AdminLogger, c: Context<AdminEnv>, record: AuditRecord): void {
  logger.info({ audit: { by: c.get('actor').name, ...record } }, `admin change: ${record.action}`);
}
