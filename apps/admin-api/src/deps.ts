import type { OpenAPIHono } from '@hono/zod-openapi';
import type { CacheAdmin, CacheTransfer } from '@semcache/shared';

/** The subset of a pino logger the API writes to. */
export interface AdminLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type Role = 'read' | 'admin';

export interface AdminToken {
  /** Shown in audit lines instead of the secret. */
  name: string;
  token: string;
  role: Role;
}

/** Who is calling: the name of the token presented, or `local` when no token is configured. */
export interface Actor {
  name: string;
  role: Role;
}

export interface AdminDeps {
  admin: CacheAdmin;
  /** Empty = no authentication at all: only for a listener bound to the loopback interface. */
  tokens: AdminToken[];
  logger: AdminLogger;
  /** Default margin below the threshold within which a miss counts as a near miss. */
  nearMissMargin?: number;
  maxBodyBytes?: number;
  /** Export and import of namespaces; without it those routes are absent. */
  transfer?: CacheTransfer;
  /** Body limit of an import, which is streamed and so not held to maxBodyBytes. */
  maxImportBytes?: number;
  /** Origins besides the API's own host whose browser pages may make changes. */
  allowedOrigins?: string[];
  /** Aborted when the process stops: ends the live lookup streams, which would otherwise hold the server open. */
  shutdown?: AbortSignal;
}

export type AdminEnv = { Variables: { actor: Actor } };
export type AdminApp = OpenAPIHono<AdminEnv>;

/** What every feature's `register` function receives. */
export interface FeatureDeps {
  admin: CacheAdmin;
  logger: AdminLogger;
  nearMissMargin: number;
}
