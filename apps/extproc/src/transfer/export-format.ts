import { z, ZodError } from 'zod';
import { EXPORT_FORMAT, EXPORT_VERSION, ExportHeaderSchema, type EmbedderIdentity, type ExportHeader } from '@semcache/shared';
import type { CacheEntry } from '../cache/entry.ts';
import { asFloat32 } from '../cache/vector-slab.ts';
import { decodeEntry, entryMeta, vectorBytes } from '../stores/entry-codec.ts';

/**
 * The lines of an export. An entry line is the entry as the data directory and Redis write it (entry-codec),
 * so every field they carry is carried here too, plus its vector as base64 of its float32 bytes.
 */
export function headerLine(namespace: string, embedder: EmbedderIdentity, vectors: boolean, entries: number, now: number): string {
  const header: ExportHeader = { format: EXPORT_FORMAT, version: EXPORT_VERSION, namespace, embedder, vectors, exportedAt: now, entries };
  return JSON.stringify(header);
}

export function entryLine(entry: CacheEntry, vectors: boolean): string {
  const meta = entryMeta(entry);
  return JSON.stringify(vectors && !entry.exactOnly ? { ...meta, vector: vectorBytes(entry.vector).toString('base64') } : meta);
}

/** A line that cannot be imported, with the reason an operator reads next to its line number. */
export class LineError extends Error {
  override name = 'LineError';
}

const VectorFieldSchema = z.object({ vector: z.base64().optional() });

/** Not a real vector: stands in until the importer's embedder computes one, or for an exact-only entry. */
const PLACEHOLDER = Buffer.alloc(4);

export interface DecodedLine {
  entry: CacheEntry;
  /** The vector the line carried; null when it had none. */
  vector: Float32Array | null;
}

export function parseHeader(text: string | undefined): ExportHeader {
  if (text === undefined) throw new LineError('the body is empty: the first line must be the export header');
  const parsed = ExportHeaderSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new LineError(`the first line is not a ${EXPORT_FORMAT} version ${EXPORT_VERSION} header (${issues(parsed.error)})`);
  return parsed.data;
}

export function parseEntryLine(text: string): DecodedLine {
  const json = parseJson(text);
  const vectorField = VectorFieldSchema.safeParse(json);
  if (!vectorField.success) throw new LineError(issues(vectorField.error));
  const { vector: _vector, ...meta } = json as Record<string, unknown>;
  const bytes = vectorField.data.vector === undefined ? null : Buffer.from(vectorField.data.vector, 'base64');
  try {
    const entry = decodeEntry(meta, bytes ?? PLACEHOLDER);
    return { entry, vector: bytes === null ? null : asFloat32(entry.vector) };
  } catch (err) {
    throw new LineError(err instanceof ZodError ? issues(err) : (err as Error).message);
  }
}

function parseJson(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LineError(`not JSON: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new LineError('not a JSON object');
  return json;
}

function issues(error: ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}
