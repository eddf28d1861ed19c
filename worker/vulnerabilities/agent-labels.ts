import type { ServiceContext } from '../platform/context';
import { latestValues, visibleRacks } from '../telemetry/query';

/**
 * What node_exporter says about a server when the inventory does not: `node_os_info{name, version_id}` and
 * `node_dmi_info{system_vendor, product_name, bios_version}`, as the telemetry layer keeps them (the latest value of
 * each series with its labels, per rack object). Only servers whose fields are empty are asked about.
 */
export interface AgentFacts {
  os?: string;
  os_version?: string;
  manufacturer?: string;
  model?: string;
  bios_version?: string;
}

export const INFO_METRICS = ['node_os_info', 'node_dmi_info'];

export async function agentFacts(
  ctx: ServiceContext,
  servers: { id: number; rack_id: number }[],
): Promise<Map<number, AgentFacts>> {
  const out = new Map<number, AgentFacts>();
  if (!servers.length) return out;
  const racks = await visibleRacks(ctx, { rack_ids: [...new Set(servers.map((s) => s.rack_id))] });
  const values = await latestValues(ctx, racks, { server_ids: servers.map((s) => s.id), metrics: INFO_METRICS });
  for (const l of values) {
    if (l.server_id === null || l.value !== 1) continue;
    const f = out.get(l.server_id) ?? {};
    const lb = l.labels;
    if (l.metric === 'node_os_info') {
      if (lb.name) f.os = lb.name;
      if (lb.version_id) f.os_version = lb.version_id;
    } else {
      if (lb.system_vendor) f.manufacturer = lb.system_vendor;
      if (lb.product_name) f.model = lb.product_name;
      if (lb.bios_version) f.bios_version = lb.bios_version;
    }
    out.set(l.server_id, f);
  }
  return out;
}
