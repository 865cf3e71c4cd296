import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));

const markers = (name: string) => [`<!-- ${name}:start -->\n`, `\n<!-- ${name}:end -->`] as const;

/** The generated text between `<!-- name:start -->` and `<!-- name:end -->` in the README. */
export function readSection(name: string, file = README): string {
  const text = readFileSync(file, 'utf8');
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README has no ${name} section`);
  return text.slice(from + start.length, to);
}

export function writeSection(name: string, content: string, file = README): void {
  const text = readFileSync(file, 'utf8');
  const [start, end] = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README has no ${name} section`);
  writeFileSync(file, text.slice(0, from + start.length) + content + text.slice(to));
}
