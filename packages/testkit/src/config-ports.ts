/**
 * The shipped Envoy config with only its ports changed: every `port_value: N` named in `ports` is replaced,
 * and each must occur exactly once, so a config that moved a port fails here instead of testing the wrong one.
 */
export function rewritePorts(config: string, ports: Record<number, number>): string {
  let out = config;
  for (const [from, to] of Object.entries(ports)) {
    const pattern = new RegExp(`\\bport_value: ${from}\\b`, 'g');
    const found = out.match(pattern)?.length ?? 0;
    if (found !== 1) throw new Error(`expected port_value: ${from} exactly once in the Envoy config, found ${found}`);
    out = out.replace(pattern, `port_value: ${to}`);
  }
  return out;
}

/** The ports of deploy/envoy.yaml: listener, the cache's gRPC port, the model, the admin port. */
export const SHIPPED_PORTS = { listener: 10000, cache: 50051, model: 8000, admin: 9901 } as const;
