import type { CacheEntry } from './entry.ts';
import { matchesExact, type ExactKey } from './normalize.ts';

export interface ExactMatch {
  entry: CacheEntry;
  /** 1 for the entry's own prompt; a paraphrase's similarity when it first hit the entry. */
  similarity: number;
  alias: boolean;
  /** A verifier accepted the paraphrase when it first hit (always so for the entry's own prompt). */
  verified: boolean;
}

/** A paraphrase that hit an entry: its own normalised prompt, which a repeat must match (the entry's fingerprint too). */
interface AliasLink {
  key: bigint;
  similarity: number;
  normalized: string;
  verified: boolean;
}

/** Bounds the memory a popular entry's paraphrases can take. */
const MAX_ALIASES_PER_ENTRY = 32;

/**
 * One namespace's exact-match maps. Keyed by a 30-bit digest, a small integer (no object per key, where a
 * 64-bit one is a 24-byte BigInt): digests collide (~500 pairs in a million entries), so a slot may hold a few
 * entries, and every match is confirmed on the fingerprint and normalised prompt.
 */
export class ExactTier {
  /** Digest -> the entries whose own prompt has it. */
  readonly #own = new Map<number, CacheEntry | CacheEntry[]>();
  /** Digest of a paraphrase that hit an entry -> that entry, so that its repeats skip embedding. */
  readonly #aliasLinks = new Map<number, AliasLink>();
  /** An entry's paraphrases' digests: they go with it. */
  readonly #aliases = new Map<bigint, number[]>();

  /** The entry stored for this exact prompt (`entries` resolves an alias's key), or that it hit as a paraphrase. */
  get(key: ExactKey, entries: ReadonlyMap<bigint, CacheEntry>): ExactMatch | undefined {
    const slot = this.#own.get(key.digest);
    const own = Array.isArray(slot) ? slot.find((e) => matchesExact(key, e.fingerprint, e.prompt))
      : slot && matchesExact(key, slot.fingerprint, slot.prompt) ? slot : undefined;
    if (own) return { entry: own, similarity: 1, alias: false, verified: true };
    const link = this.#aliasLinks.get(key.digest);
    const entry = link && link.normalized === key.normalized ? entries.get(link.key) : undefined;
    return entry && link && entry.fingerprint === key.fingerprint ? { entry, similarity: link.similarity, alias: true, verified: link.verified } : undefined;
  }

  /**
   * Remembers that this exact prompt matched the entry; a digest already taken is left alone (a search finds it),
   * but the same paraphrase of the same entry, hitting again through a verifier, marks its link verified.
   */
  addAlias(key: ExactKey, entry: CacheEntry, similarity: number, verified: boolean): void {
    const link = this.#aliasLinks.get(key.digest);
    if (link && link.key === entry.key && link.normalized === key.normalized) {
      link.verified ||= verified;
      return;
    }
    if (this.#own.has(key.digest) || link) return;
    const aliases = this.#aliases.get(entry.key) ?? [];
    if (aliases.length >= MAX_ALIASES_PER_ENTRY) return;
    aliases.push(key.digest);
    this.#aliases.set(entry.key, aliases);
    this.#aliasLinks.set(key.digest, { key: entry.key, similarity, normalized: key.normalized, verified });
  }

  add(digest: number, entry: CacheEntry): void {
    const slot = this.#own.get(digest);
    if (slot === undefined) this.#own.set(digest, entry);
    else if (Array.isArray(slot)) slot.push(entry);
    else this.#own.set(digest, [slot, entry]);
  }

  /** Forgets the entry's own prompt and its paraphrases. */
  remove(digest: number, entry: CacheEntry): void {
    const slot = this.#own.get(digest);
    if (slot === entry) {
      this.#own.delete(digest);
    } else if (Array.isArray(slot)) {
      const rest = slot.filter((e) => e !== entry);
      this.#own.set(digest, rest.length === 1 ? rest[0]! : rest);
    }
    for (const alias of this.#aliases.get(entry.key) ?? []) {
      if (this.#aliasLinks.get(alias)?.key === entry.key) this.#aliasLinks.delete(alias);
    }
    this.#aliases.delete(entry.key);
  }

  clear(): void {
    this.#own.clear();
    this.#aliasLinks.clear();
    this.#aliases.clear();
  }
}
