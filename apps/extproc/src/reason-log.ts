import type { Logger } from 'pino';

type Level = 'info' | 'warn' | 'error';

/**
 * Logs the first occurrence of each reason and leaves the counting to a metric: a client that sends the same
 * bad request a million times must not write a million log lines. Reasons are a small fixed set of names.
 */
export class ReasonLog {
  readonly #seen = new Set<string>();
  readonly #logger: Logger;
  readonly #level: Level;
  readonly #message: string;

  constructor(logger: Logger, level: Level, message: string) {
    this.#logger = logger;
    this.#level = level;
    this.#message = message;
  }

  /** Returns whether this call logged. */
  note(reason: string, fields: Record<string, unknown> = {}): boolean {
    if (this.#seen.has(reason)) return false;
    this.#seen.add(reason);
    this.#logger[this.#level]({ ...fields, reason }, `${this.#message} (logged once per reason; /metrics counts them all)`);
    return true;
  }
}
