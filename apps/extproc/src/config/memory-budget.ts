import { getHeapStatistics } from 'node:v8';
import type { Config } from '@semcache/shared';

/**
 * Prompts and answers are V8 strings in the old generation, so its limit bounds them as much as the
 * container does; half of the smaller leaves room for request bodies in flight, the lookup log and the
 * runtime itself.
 */
const BUDGET_SHARE = 0.5;
const LOOKUP_LOG_SHARE = 1 / 8;
/** libuv reports "no limit" as 2^64 - 1 (cgroup v2 `max`) or a page-rounded 2^63 (cgroup v1). */
const NO_LIMIT = 2 ** 60;
/**
 * V8's heap_size_limit is the old generation's limit plus the young one's (192 MiB with Node 24's
 * defaults) and V8 reports no old-generation limit alone: without an explicit --max-old-space-size, take
 * that much off, at most half.
 */
const YOUNG_GENERATION_BYTES = 192 * 1024 * 1024;
const MiB = 1024 * 1024;

export interface MemoryLimits {
  /** The container's memory limit in bytes, or null where none is set or known. */
  container: number | null;
  /**
   * What V8's old generation (where strings live) may take, less what the runtime already holds when this is
   * read (its code and modules: ~30 MB, which under a 64 MB heap left the budget's half no room at all).
   */
  heap: number;
}

/** A limit as libuv reports it (cgroup v2 memory.max or v1 memory.limit_in_bytes): 0 or huge means none. */
export function containerLimit(reported: number): number | null {
  return reported > 0 && reported < NO_LIMIT ? reported : null;
}

/** The last --max-old-space-size given to node, on its command line or in NODE_OPTIONS, in bytes. */
export function oldSpaceFlag(args: readonly string[]): number | null {
  let mb: number | null = null;
  for (const arg of args) {
    const m = /^--max[-_]old[-_]space[-_]size=(\d+)$/.exec(arg);
    if (m) mb = Number(m[1]);
  }
  return mb === null ? null : mb * MiB;
}

export function readMemoryLimits(): MemoryLimits {
  const { heap_size_limit: limit, used_heap_size: used } = getHeapStatistics();
  const flag = oldSpaceFlag([...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv]);
  const oldGeneration = flag ?? limit - Math.min(YOUNG_GENERATION_BYTES, limit / 2);
  return {
    container: containerLimit(process.constrainedMemory()),
    heap: Math.max(oldGeneration - used, oldGeneration / 4),
  };
}

export interface MemoryBudget {
  maxBytes: number;
  maxBytesPerNamespace: number;
  lookupLogBytes: number;
  /** Where maxBytes came from, for the start-up log. */
  source: 'configured' | 'container limit' | 'heap limit';
}

export function memoryBudget(config: Pick<Config, 'memory' | 'lookupLog'>, limits: MemoryLimits): MemoryBudget {
  let maxBytes = config.memory.maxBytes;
  let source: MemoryBudget['source'] = 'configured';
  if (maxBytes === undefined) {
    const useContainer = limits.container !== null && limits.container < limits.heap;
    source = useContainer ? 'container limit' : 'heap limit';
    maxBytes = Math.floor(BUDGET_SHARE * (useContainer ? limits.container! : limits.heap));
  }
  return {
    maxBytes,
    maxBytesPerNamespace: Math.min(config.memory.maxBytesPerNamespace ?? maxBytes, maxBytes),
    lookupLogBytes: config.lookupLog.maxBytes ?? Math.floor(maxBytes * LOOKUP_LOG_SHARE),
    source,
  };
}

/** The configuration with every memory bound filled in, as the engine takes it. */
export function withMemoryBudget(config: Config, budget: MemoryBudget): Config {
  return {
    ...config,
    memory: { maxBytes: budget.maxBytes, maxBytesPerNamespace: budget.maxBytesPerNamespace },
    lookupLog: { ...config.lookupLog, maxBytes: budget.lookupLogBytes },
  };
}
