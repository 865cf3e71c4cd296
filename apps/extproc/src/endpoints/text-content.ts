/**
 * The text of a message's content: a string, or parts of the API's text type only (an image, a file or a tool
 * result cannot be compared as text). Chat and Messages call the part `text`, Responses `input_text`.
 */
export function textOf(content: unknown, partType: string): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts: string[] = [];
  for (const part of content) {
    if (!part || typeof part !== 'object') return null;
    const { type, text } = part as { type?: unknown; text?: unknown };
    if (type !== partType || typeof text !== 'string') return null;
    parts.push(text);
  }
  return parts.join('\n');
}
