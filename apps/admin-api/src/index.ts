export { API_PREFIX, createAdminApp } from './app.ts';
export { findToken, LOCAL_ACTOR } from './auth/bearer-auth.ts';
export type { Actor, AdminDeps, AdminLogger, AdminToken, Role } from './deps.ts';
