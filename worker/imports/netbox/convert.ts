// NetBox's choice values → ours, and its units → ours. Pure: the mapping and its unit tests use these.

/** Sites: NetBox planned, staging, active, decommissioning, retired → our lifecycle. */
export function siteStatus(s: string | null): 'planned' | 'active' | 'maintenance' | 'decommissioned' {
  if (s === 'planned' || s === 'staging') return 'planned';
  if (s === 'decommissioning' || s === 'retired') return 'decommissioned';
  return 'active';
}

/** Racks: NetBox reserved, available, planned, active, deprecated. An empty "available" rack is in service. */
export function rackStatus(s: string | null): 'planned' | 'active' | 'maintenance' | 'decommissioned' {
  if (s === 'planned' || s === 'reserved') return 'planned';
  if (s === 'deprecated') return 'decommissioned';
  return 'active';
}

/**
 * Devices: NetBox offline, active, planned, staged, failed, inventory, decommissioning. Servers have no
 * "planned": a server not yet (or no longer) running is offline; a failed one is offline with critical health.
 */
export function serverStatus(s: string | null): { status: string; health?: string } {
  if (s === 'decommissioning') return { status: 'decommissioned' };
  if (s === 'failed') return { status: 'offline', health: 'critical' };
  if (s === 'offline' || s === 'planned' || s === 'staged' || s === 'inventory') return { status: 'offline' };
  return { status: 'active' };
}

/** Network devices, PDUs and storage: planned, active, maintenance, offline, decommissioned. */
export function deviceStatus(s: string | null): string {
  if (s === 'planned' || s === 'staged' || s === 'inventory') return 'planned';
  if (s === 'failed' || s === 'offline') return 'offline';
  if (s === 'decommissioning') return 'decommissioned';
  return 'active';
}

/** Power feeds share NetBox's four statuses (offline, active, planned, failed). */
export function feedStatus(s: string | null): string {
  return s === 'offline' || s === 'planned' || s === 'failed' ? s : 'active';
}

/** VMs: only what may be registered (running, stopped, suspended, error). */
export function vmStatus(s: string | null): string {
  if (s === 'failed') return 'error';
  return s === 'active' || s === null ? 'running' : 'stopped';
}

/** Cables: connected, planned, decommissioning. */
export function cableStatus(s: string | null): string {
  if (s === 'planned') return 'planned';
  if (s === 'decommissioning') return 'decommissioned';
  return 'connected';
}

/** NetBox cable types (cat3…cat8, mmf-om*, smf-os*, dac-*, aoc, coaxial, mrj21-trunk, …) → fiber/copper/dac/aoc. */
export function cableType(t: string | null): string | undefined {
  if (!t) return undefined;
  if (t.startsWith('dac')) return 'dac';
  if (t === 'aoc') return 'aoc';
  if (/^(mmf|smf)/.test(t)) return 'fiber';
  if (/^(cat|coaxial|mrj21|power|usb|sharp)/.test(t)) return 'copper';
  return undefined;
}

const LENGTH_M: Record<string, number> = { km: 1000, m: 1, cm: 0.01, mi: 1609.344, ft: 0.3048, in: 0.0254 };
/** A NetBox length (length + length_unit) in metres, rounded to the millimetre; null when unknown. */
export function lengthM(length: number | null, unit: string | null): number | null {
  if (length == null || !Number.isFinite(length)) return null;
  const f = LENGTH_M[unit ?? 'm'];
  return f === undefined ? null : Math.round(length * f * 1000) / 1000;
}

const WEIGHT_KG: Record<string, number> = { kg: 1, g: 0.001, lb: 0.45359237, oz: 0.028349523125 };
/** A NetBox weight (weight + weight_unit) in kg, to the gram; null when unknown. */
export function weightKg(weight: number | null, unit: string | null): number | null {
  if (weight == null || !Number.isFinite(weight)) return null;
  const f = WEIGHT_KG[unit ?? 'kg'];
  return f === undefined ? null : Math.round(weight * f * 1000) / 1000;
}

export const PORT_SPEEDS_G = [1, 10, 25, 40, 100, 400] as const;

/** The port speed nearest (on a log scale) to `gbps`: 2.5G and 5G read as 1G/10G, 200G as 100G, 800G as 400G. */
export function nearestSpeed(gbps: number): string {
  let best: number = PORT_SPEEDS_G[0];
  for (const s of PORT_SPEEDS_G) if (Math.abs(Math.log(s / gbps)) < Math.abs(Math.log(best / gbps))) best = s;
  return `${best}G`;
}

const INFINIBAND_G: Record<string, number> = {
  sdr: 10,
  ddr: 20,
  qdr: 40,
  fdr10: 40,
  fdr: 56,
  edr: 100,
  hdr: 200,
  ndr: 400,
  xdr: 800,
};

export type InterfaceKind = 'physical' | 'virtual' | 'wireless' | 'cellular' | 'stacking' | 'other';

/** What a NetBox interface type is: only physical ports become network ports. */
export function interfaceKind(type: string | null): InterfaceKind {
  if (!type) return 'other';
  if (type === 'virtual' || type === 'bridge' || type === 'lag') return 'virtual';
  if (type.startsWith('ieee802.11') || type.startsWith('ieee802.15') || type === 'other-wireless') return 'wireless';
  if (['gsm', 'cdma', 'lte', '4g', '5g'].includes(type)) return 'cellular';
  if (/stackwise|summitstack|juniper-vcp|stack/.test(type)) return 'stacking';
  if (type === 'other') return 'other';
  return 'physical';
}

/**
 * Line rate in Gbit/s of an interface: NetBox's `speed` (kbit/s) when set, else read from its type:
 * 1000base-t → 1, 10gbase-x-sfpp → 10, 25gbase-x-sfp28 → 25, 100gbase-x-qsfp28 → 100, 100base-tx → 0.1,
 * 16gfc-sfpp → 16 (Fibre Channel), infiniband-edr → 100. null when neither says.
 */
export function interfaceGbps(type: string | null, speedKbps: number | null): number | null {
  if (speedKbps != null && Number.isFinite(speedKbps) && speedKbps > 0) return speedKbps / 1e6;
  if (!type) return null;
  const eth = /^(\d+(?:\.\d+)?)(g?)base/.exec(type);
  if (eth) return Number(eth[1]) / (eth[2] ? 1 : 1000);
  const fc = /^(\d+)gfc/.exec(type);
  if (fc) return Number(fc[1]);
  const ib = /^infiniband-(\w+)/.exec(type);
  if (ib && INFINIBAND_G[ib[1]]) return INFINIBAND_G[ib[1]];
  return null;
}

/** "10.0.0.5/24" → "10.0.0.5" (NetBox addresses carry their prefix length). */
export const hostAddress = (address: string | null): string | null =>
  address ? address.split('/')[0].trim() || null : null;

/** A feed's rating in kW: V × A (× √3 three-phase) / 1000; DC voltages are negative in NetBox (-48 V). */
export function feedKw(voltage: number, amperage: number, phase: string): number {
  const kw = (Math.abs(voltage) * amperage * (phase === 'three-phase' ? Math.sqrt(3) : 1)) / 1000;
  return Math.round(kw * 100) / 100;
}

/** VM hypervisor from the cluster type's name or slug; null when it names none we know. */
export function hypervisorOf(clusterType: string | null): string | null {
  const t = (clusterType ?? '').toLowerCase();
  if (/vmware|vsphere|esxi/.test(t)) return 'VMware ESXi';
  if (/hyper-?v/.test(t)) return 'Hyper-V';
  if (/proxmox/.test(t)) return 'Proxmox VE';
  if (/xen/.test(t)) return 'Xen';
  if (/kvm|openstack|libvirt|ovirt|nutanix/.test(t)) return 'KVM';
  return null;
}
