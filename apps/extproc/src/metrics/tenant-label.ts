import { createHash, createHmac } from 'node:crypto';
import type { Config } from '@semcache/shared';
import { parsePartitionName, partitionName } from '../cache/partition.ts';

export type TenantLabels = Config['metrics']['tenantLabels'];

/**
 * The namespace label of a namespace name. Tenant values are often customer names or API keys: by default
 * they appear only as a keyed hash, stable across restarts so that a tenant's series continue.
 */
export function tenantLabeller(mode: TenantLabels, key: string | undefined): (namespace: string) => string {
  if (mode === 'plain') return (namespace) => namespace;
  const digest = (tenant: string): string =>
    (key === undefined ? createHash('sha256') : createHmac('sha256', key)).update(tenant, 'utf8').digest('hex').slice(0, 12);
  return (namespace) => {
    const { model, tenant } = parsePartitionName(namespace);
    if (tenant === null) return namespace;
    return mode === 'drop' ? model : partitionName({ model, tenant: `#${digest(tenant)}` });
  };
}
