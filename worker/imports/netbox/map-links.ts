import { NetworkCableCreate } from '../../network/schemas/cable';
import { NetworkPortCreate, PORT_SPEEDS } from '../../network/schemas/port';
import { VmCreate } from '../../virtualization/schemas/vm';
import { Index, matchRow, nameKey, type MapCtx } from './context';
import type { NbTermination } from './types';
import {
  cableStatus,
  cableType,
  hypervisorOf,
  interfaceGbps,
  interfaceKind,
  lengthM,
  nearestSpeed,
  vmStatus,
} from './convert';

const clip = (s: string | null, n: number) => (s && s.length > n ? s.slice(0, n) : s);

/** Interfaces of imported network devices → their ports (physical ones: LAGs, virtual, radio are reported). */
export function mapInterfaces(ctx: MapCtx) {
  const { plan, snap, data } = ctx;
  const index = new Index(snap.ports, (p) => `${String(p.device_id)}\u0000${String(p.name)}`);
  const devices = new Map(data.devices.map((d) => [d.id, d]));
  for (const i of data.interfaces) {
    const dev = i.device === null ? undefined : ctx.deviceOf.get(i.device);
    if (!dev) {
      const known = i.device !== null && devices.has(i.device);
      plan.unmapped('interfaces', known ? 'their device was not imported' : 'their device is not in the export');
      continue;
    }
    if (dev.kind !== 'network') {
      plan.unmapped(
        'interfaces',
        `of ${dev.kind === 'server' ? 'servers' : dev.kind === 'pdu' ? 'PDUs' : 'storage'} (ports are kept for network devices only)`,
      );
      continue;
    }
    const kind = interfaceKind(i.type);
    if (kind !== 'physical' && !(kind === 'other' && i.speed)) {
      plan.unmapped(
        'interfaces',
        `${kind} interfaces (${kind === 'virtual' ? 'LAG, virtual, bridge' : kind}): not physical ports`,
        i.name,
      );
      continue;
    }
    const gbps = interfaceGbps(i.type, i.speed);
    let speed: string | undefined;
    if (gbps === null) plan.warn('interfaces: speed unknown: stored as 10G');
    else {
      speed = nearestSpeed(gbps);
      if (!(PORT_SPEEDS as readonly string[]).includes(`${gbps}G`))
        plan.warn(`interfaces: ${gbps} Gbit/s recorded as ${speed}`);
    }
    if (i.mgmt_only) plan.warn('interfaces: management-only interfaces imported as ordinary ports');
    const row = {
      device_id: dev.id,
      name: i.name,
      ...(speed ? { speed } : {}),
      media: clip(i.type, 32),
      enabled: i.enabled,
      description: clip(i.description, 200),
    };
    if (!plan.valid(NetworkPortCreate, row, 'network_ports', 'interfaces', i.id, i.name)) continue;
    // a port is its device's for life and named uniquely there: no link needed to find it again
    const id = plan.put('network_ports', 'network_ports', index.key(`${dev.id}\u0000${i.name}`), row);
    ctx.portOf.set(i.id, id);
  }
}

/** Cables between two imported interfaces → network cables; anything else (circuits, panels, power) reported. */
export function mapCables(ctx: MapCtx) {
  const { plan, snap, data } = ctx;
  const index = new Index(snap.cables, (c) => `${String(c.a_port_id)}\u0000${String(c.b_port_id)}`);
  const used = new Map<number, number>();
  for (const c of snap.cables) {
    used.set(c.a_port_id as number, c.id as number);
    used.set(c.b_port_id as number, c.id as number);
  }
  const claimed = new Set<number>();
  // an interface of this export, else one a REST export names by device and name that an earlier run imported
  const portsByName = new Index(snap.ports, (p) => `${String(p.device_id)}\u0000${String(p.name)}`);
  const portOf = (t: NbTermination) => {
    const mine = ctx.portOf.get(t.id);
    if (mine !== undefined || t.device === null || !t.name) return mine;
    const dev = ctx.deviceOf.get(t.device);
    return dev?.kind === 'network'
      ? (portsByName.key(`${dev.id}\u0000${t.name}`)?.id as number | undefined)
      : undefined;
  };
  for (const c of data.cables) {
    const types = new Set([...c.a, ...c.b].map((t) => t.type));
    if (c.a.length !== 1 || c.b.length !== 1 || types.size !== 1 || !types.has('dcim.interface')) {
      const what = [...types].some((t) => /power/.test(t))
        ? 'power cables (PDU supplies are not cables here)'
        : [...types].some((t) => /circuit/.test(t))
          ? 'to circuits'
          : [...types].some((t) => /frontport|rearport/.test(t))
            ? 'through patch panels (front/rear ports)'
            : c.a.length !== 1 || c.b.length !== 1
              ? 'with several terminations on one end'
              : 'not between two interfaces';
      plan.unmapped('cables', what, c.label);
      continue;
    }
    const a = portOf(c.a[0]);
    const b = portOf(c.b[0]);
    if (a === undefined || b === undefined) {
      plan.unmapped('cables', 'an end is not an imported network port', c.label);
      continue;
    }
    const existing =
      matchRow(ctx, 'dcim.cable', c.id, 'network_cable', index, `${a}\u0000${b}`) ?? index.key(`${b}\u0000${a}`);
    const other = [a, b].map((p) => used.get(p)).find((id) => id !== undefined && id !== existing?.id);
    if (other !== undefined || claimed.has(a) || claimed.has(b)) {
      plan.skip('network_cables', 'cables', c.id, c.label, 'a port already carries another cable');
      continue;
    }
    const type = cableType(c.type);
    const row = {
      a_port_id: existing ? existing.a_port_id : a,
      b_port_id: existing ? existing.b_port_id : b,
      ...(type ? { cable_type: type } : {}),
      length_m: lengthM(c.length, c.length_unit),
      label: clip(c.label, 64),
      status: cableStatus(c.status),
    };
    if (!plan.valid(NetworkCableCreate, row, 'network_cables', 'cables', c.id, c.label)) continue;
    claimed.add(a);
    claimed.add(b);
    const id = plan.put('network_cables', 'network_cables', existing, row);
    plan.link('dcim.cable', c.id, 'network_cable', id);
  }
}

/** VMs on an imported server; a VM NetBox only places in a cloud cluster has no host here. */
export function mapVms(ctx: MapCtx) {
  const { plan, snap, data } = ctx;
  const index = new Index(snap.vms, nameKey);
  const clusters = new Map(data.clusters.map((c) => [c.id, c]));
  const names = new Set<string>();
  for (const c of data.clusters) {
    plan.unmapped(
      'clusters',
      `type ${c.type ?? 'unknown'}: clusters here are Kubernetes, Docker or Podman hosts only`,
      c.name,
    );
  }
  for (const m of data.vms) {
    const host = m.device === null ? undefined : ctx.deviceOf.get(m.device);
    if (!host) {
      plan.unmapped(
        'virtual-machines',
        m.device === null ? 'no host device (only a cluster)' : 'their host device was not imported',
        m.name,
      );
      continue;
    }
    if (host.kind !== 'server') {
      plan.unmapped('virtual-machines', 'their host is not a server', m.name);
      continue;
    }
    if (m.vcpus === null || m.memory === null) {
      plan.skip('vms', 'virtual-machines', m.id, m.name, 'without vCPUs or memory in NetBox');
      continue;
    }
    if (names.has(m.name.toLowerCase())) {
      plan.skip('vms', 'virtual-machines', m.id, m.name, 'another imported VM has this name');
      continue;
    }
    names.add(m.name.toLowerCase());
    const existing = matchRow(ctx, 'virtualization.virtualmachine', m.id, 'vm', index, m.name.toLowerCase());
    const hypervisor = hypervisorOf(clusters.get(m.cluster ?? -1)?.type ?? null);
    const row = {
      name: m.name,
      // memory is in MB; disk in MB too since NetBox 4.1
      cpu_cores: Math.max(1, Math.ceil(m.vcpus)),
      ram_gb: Math.round((m.memory / 1024) * 100) / 100,
      disk_gb: Math.round(((m.disk ?? 0) / 1000) * 100) / 100,
      os: clip(m.platform, 100),
      ...(hypervisor ? { hypervisor } : {}),
      // the host and the status of a VM that exists change through operations (migrate, start, stop), not here
      ...(existing ? {} : { host_server_id: host.id, status: vmStatus(m.status) }),
    };
    if (!plan.valid(VmCreate, { host_server_id: host.id, ...row }, 'vms', 'virtual-machines', m.id, m.name)) continue;
    if (existing && existing.host_server_id !== host.id)
      plan.warn('vms: host differs from NetBox: not moved (migrate it)');
    const id = plan.put('vms', 'vms', existing, row);
    plan.link('virtualization.virtualmachine', m.id, 'vm', id);
  }
}
