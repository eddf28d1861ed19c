import type { DEVICE_TYPES } from '../../network/schemas/device';

// Which of our inventories a NetBox device becomes, read from its role's slug and name (roles are free-form in
// NetBox, so by the words people use for them).

export type DeviceKind = 'server' | 'network' | 'pdu' | 'storage' | 'passive';

export interface RoleMapping {
  kind: DeviceKind;
  /** network_devices.device_type */
  networkType?: (typeof DEVICE_TYPES)[number];
  /** servers.server_type */
  serverType?: 'Compute' | 'Storage' | 'GPU' | 'Database';
}

export function classifyRole(slug: string | null, name: string | null = null): RoleMapping {
  const r = `${slug ?? ''} ${name ?? ''}`.toLowerCase();
  if (/\bpdu|power[- ]distribution|power[- ]strip/.test(r)) return { kind: 'pdu' };
  // patch panels are racked network gear (their U counts, their cables run through them); cable managers and
  // blanking plates take U in NetBox but are nothing our inventory tracks
  if (/patch|fiber[- ]panel/.test(r)) return { kind: 'network', networkType: 'patch_panel' };
  // a disk shelf (JBOD, expansion enclosure) is storage: its disks and capacity come from the custom fields
  // disk_count and raw_capacity_tb, as for arrays; a plain "shelf" is a tray for non-rackable gear
  if (/(disk|storage|drive|expansion)[- ]?(shelf|shelves|enclosure)|\bjbod\b|\bdae\b/.test(r))
    return { kind: 'storage' };
  if (/cable[- ]management|blank|shelf/.test(r)) return { kind: 'passive' };
  if (/firewall/.test(r)) return { kind: 'network', networkType: 'firewall' };
  if (/load[- ]?balancer|\blb\b|\badc\b/.test(r)) return { kind: 'network', networkType: 'load_balancer' };
  if (/router|\bedge\b|gateway/.test(r)) return { kind: 'network', networkType: 'router' };
  if (/\bcore\b|core-|spine/.test(r)) return { kind: 'network', networkType: 'core_switch' };
  if (/distribution|aggregation|\bagg\b/.test(r)) return { kind: 'network', networkType: 'distribution_switch' };
  if (/switch|access|leaf|\btor\b|tor-/.test(r)) return { kind: 'network', networkType: 'access_switch' };
  if (/storage|\bsan\b|\bnas\b|disk[- ]array|\barray\b/.test(r)) return { kind: 'storage' };
  if (/gpu|\bai\b|\bml\b/.test(r)) return { kind: 'server', serverType: 'GPU' };
  if (/database|\bdb\b|sql/.test(r)) return { kind: 'server', serverType: 'Database' };
  return { kind: 'server', serverType: 'Compute' };
}
