/**
 * Which namespace a request belongs to. Isolation lives in this type: tenants of one model never share a
 * namespace, so they never see each other's answers.
 */
export interface Partition {
  readonly model: string;
  readonly tenant: string | null;
}

/** '|' does not occur in model names of OpenAI, vLLM, KServe or Ollama, unlike '/', ':' and '@'. */
const SEPARATOR = '|';

export function partitionName(p: Partition): string {
  return p.tenant === null ? p.model : `${p.model}${SEPARATOR}${p.tenant}`;
}

export function parsePartitionName(name: string): Partition {
  const at = name.lastIndexOf(SEPARATOR);
  return at < 0 ? { model: name, tenant: null } : { model: name.slice(0, at), tenant: name.slice(at + 1) };
}
