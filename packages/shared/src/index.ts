export * from './config.ts';
export * from './entry.ts';
export * from './lookup.ts';
export * from './namespace.ts';
export * from './online.ts';
export * from './cache-admin.ts';
export * from './api.ts';
export * from './write-header.ts';
