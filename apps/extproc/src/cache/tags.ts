import { TAG_PATTERN, type Config } from '@semcache/shared';

export type TagLimits = Pick<Config['tags'], 'maxCount' | 'maxLength'>;

/** Why a tags header was ignored; few and fixed, as they are logged once each. */
export type BadTags = 'too-many' | 'too-long' | 'bad-characters';

/**
 * The tags of a request's header, comma-separated, trimmed and case-folded, without repeats. A header that
 * breaks a rule is ignored whole rather than in part: an entry stored with half its tags would escape an
 * eviction by the other half.
 */
export function parseTags(raw: string | undefined, limits: TagLimits): { tags: string[] } | { bad: BadTags } {
  if (raw === undefined) return { tags: [] };
  const tags = [...new Set(raw.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
  if (tags.length > limits.maxCount) return { bad: 'too-many' };
  if (tags.some((t) => t.length > limits.maxLength)) return { bad: 'too-long' };
  if (!tags.every((t) => TAG_PATTERN.test(t))) return { bad: 'bad-characters' };
  return { tags };
}
