/**
 * Where the cache lives beyond the process. A store loads what it holds into the engine at start, then
 * follows the engine's change stream (`CacheEngine.onChange`); changes that arrive from elsewhere go in
 * through `CacheEngine.apply`, so they are never written back. A store never fails a request: its errors
 * are logged and counted, and the cache goes on in memory.
 */
export interface CacheStore {
  readonly kind: 'snapshot' | 'redis';
  /** Loads before the server takes traffic; resolves even when the data is damaged or Redis is away. */
  start(): Promise<void>;
  /** Writes what is pending (nothing is lost on a clean shutdown) and stops following. */
  close(): Promise<void>;
}
