// What an address can be assigned to, loaded once for the assignment pickers (up to the API's page maximum).
import { api } from '../api';
import type { Option } from '../forms';

export type TargetKind = 'server' | 'vm' | 'network_port' | 'storage_system';
export type Targets = Record<TargetKind, Option[]>;

export const KIND_LABELS: Record<TargetKind, string> = {
  server: 'Server',
  vm: 'Virtual machine',
  network_port: 'Network port',
  storage_system: 'Storage system',
};

interface Named {
  id: number;
  name: string;
  device_name?: string | null;
}

const options = (rows: Named[], label = (r: Named) => r.name): Option[] =>
  rows.map((r) => ({ value: String(r.id), label: label(r) })).sort((a, b) => a.label.localeCompare(b.label));

/** Every kind's targets; a list the caller may not read (or that fails) is just empty. */
export async function loadTargets(): Promise<Targets> {
  const safe = (path: string) => api.all<Named>(path, { sort: 'name' }).catch(() => [] as Named[]);
  const [servers, vms, ports, storage] = await Promise.all([
    safe('/servers'),
    safe('/vms'),
    api.all<Named>('/network/ports', { limit: 1000 }).catch(() => [] as Named[]),
    safe('/storage'),
  ]);
  return {
    server: options(servers),
    vm: options(vms),
    network_port: options(ports, (p) => `${p.device_name ?? '?'}:${p.name}`),
    storage_system: options(storage),
  };
}

/** The page of what an address is assigned to, where there is one (a network port has none of its own). */
export function targetHref(a: { assigned_kind: TargetKind | null; assigned_id: number | null }): string | null {
  if (!a.assigned_kind || a.assigned_id === null) return null;
  const base = { server: '/servers', vm: '/vms', storage_system: '/storage', network_port: null }[a.assigned_kind];
  return base ? `${base}/${a.assigned_id}` : null;
}
