import { z } from 'zod';
import { ConfigSchema } from '@semcache/shared';
import { ENV_VARS } from './load-config.ts';

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: unknown;
}

interface Row {
  path: string;
  env: string;
  fallback: string;
  description: string;
}

const envByPath = new Map(Object.entries(ENV_VARS).map(([name, { path }]) => [path, name]));

const show = (v: unknown): string => (v === undefined ? '' : `\`${JSON.stringify(v)}\``);

function walk(schema: JsonSchema, path: string, rows: Row[], variant = ''): void {
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants && variants.every((v) => v.properties?.provider?.const !== undefined)) {
    for (const v of variants) walk(v, path, rows, `provider ${String(v.properties!.provider!.const)}: `);
    return;
  }
  if (schema.type === 'object' && schema.properties && !schema.additionalProperties) {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (variant && key === 'provider') continue;
      walk(child, path ? `${path}.${key}` : key, rows, variant);
    }
    return;
  }
  const choices = schema.enum ? ` (${schema.enum.map((e) => `\`${String(e)}\``).join(', ')})` : '';
  rows.push({
    path,
    env: envByPath.get(path) ?? '',
    fallback: show(schema.default),
    description: `${variant}${schema.description ?? ''}${choices}`,
  });
}

/** The README's settings table, generated from the zod schema so that it cannot drift from the code. */
export function settingsTable(): string {
  const json = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: Row[] = [];
  walk(json, '', rows);
  const embedderProvider = envByPath.get('embedder.provider');
  rows.unshift({ path: 'embedder.provider', env: embedderProvider ?? '', fallback: '`"auto"`', description: 'which embedder: `auto` (the installed local model, else `builtin`), `builtin`, `openai`, `kserve`, `tei`, `onnx` (EMBEDDING_MODEL_SERVER alone means `kserve`; EMBEDDING_MODEL_DIR alone `onnx`)' });
  rows.push({ path: '(file)', env: 'CONFIG_FILE', fallback: '', description: 'a YAML or JSON file with any of these settings; the environment wins' });
  const lines = ['| setting | env var | default | meaning |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| \`${r.path}\` | ${r.env ? `\`${r.env}\`` : ''} | ${r.fallback} | ${r.description.replaceAll('|', '\\|')} |`);
  return lines.join('\n');
}
