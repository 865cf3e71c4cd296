import type { EntrySelector } from '@semcache/shared';

/** The invalidation form as typed: every field a string, empty when unused. */
export interface SelectorForm {
  tags: string;
  olderThanMinutes: string;
  modelRevision: string;
  text: string;
  similarTo: string;
  minSimilarity: string;
}

export const EMPTY_SELECTOR_FORM: SelectorForm = { tags: '', olderThanMinutes: '', modelRevision: '', text: '', similarTo: '', minSimilarity: '0.9' };

/**
 * The selector the form stands for, or what is wrong with it. Only what the operator filled in is sent; the
 * server validates the rest (tag characters, bounds) and names the field.
 */
export function selectorOf(form: SelectorForm): { selector: EntrySelector } | { error: string } {
  const selector: EntrySelector = {};
  const tags = form.tags.split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (tags.length > 0) selector.tags = tags;
  if (form.olderThanMinutes.trim() !== '') {
    const minutes = Number(form.olderThanMinutes);
    if (!Number.isFinite(minutes) || minutes < 0) return { error: 'Older than: a number of minutes, 0 or more.' };
    selector.olderThanSeconds = Math.round(minutes * 60);
  }
  if (form.modelRevision.trim() !== '') selector.modelRevision = form.modelRevision.trim();
  if (form.text.trim() !== '') selector.text = form.text.trim();
  if (form.similarTo.trim() !== '') {
    const minSimilarity = Number(form.minSimilarity);
    if (form.minSimilarity.trim() === '' || !(minSimilarity >= 0 && minSimilarity <= 1)) return { error: 'Minimum similarity: a number from 0 to 1.' };
    selector.similarTo = { prompt: form.similarTo.trim(), minSimilarity };
  }
  if (Object.keys(selector).length === 0) return { error: 'Fill in at least one criterion; to drop everything, start a new epoch below.' };
  return { selector };
}
