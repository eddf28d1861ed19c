import type { DEFAULTS_FOR } from './schemas/device-type';

/** The speeds a network port may have (worker/network/schemas/port.ts): other inferred rates are left blank. */
const PORT_SPEEDS = new Set(['1G', '10G', '25G', '40G', '100G', '400G']);

export type DefaultsFor = (typeof DEFAULTS_FOR)[number];

interface TypeRow {
  id: number;
  kind: string;
  manufacturer: string;
  model: string;
  u_height: number;
  is_full_depth: boolean;
  max_draw_w: number | null;
  allocated_draw_w: number | null;
  power_outlets: number;
  interfaces: { name: string; mgmt_only?: boolean; speed?: string | null }[];
}

/** The kind of form a type fills by default: its own kind, and a server's for "other". */
export const formFor = (kind: string): DefaultsFor =>
  kind === 'network' || kind === 'storage' || kind === 'pdu' ? kind : 'server';

/**
 * What a device form fills from a type.
 * - u_size: the type's height rounded up to whole U (a 0.5U sled still takes a slot), at least 1: every
 *   inventory table stores a size of 1 or more; `zero_u` says the device goes on the rack's side (u_position null).
 * - power: the largest PSU's maximum draw (see normalise: a redundant pair never draws more than one PSU's
 *   rating), else the allocated draw; a PDU gets its outlet count instead. Left out when the type says nothing,
 *   so the form keeps what it had.
 * - is_full_depth: as the type says; a half-depth device may share its U with one on the other face.
 * - device_type_id: for every table that has the column (servers, network devices, storage systems).
 * - ports: a switch's data and management interfaces with a speed the network ports accept (else null).
 */
export function deviceDefaults(t: TypeRow, target: DefaultsFor = formFor(t.kind)) {
  const fields: Record<string, string | number | boolean> = {
    manufacturer: t.manufacturer,
    model: t.model,
    u_size: Math.max(1, Math.ceil(t.u_height)),
    is_full_depth: t.is_full_depth,
  };
  if (target !== 'pdu') fields.device_type_id = t.id;
  const draw = t.max_draw_w ?? t.allocated_draw_w;
  if (target === 'server' && draw != null) fields.power_supply_w = draw;
  if ((target === 'network' || target === 'storage') && draw != null) fields.power_w = draw;
  if (target === 'pdu' && t.power_outlets > 0) fields.outlets = Math.min(96, t.power_outlets);
  const ports =
    target === 'network'
      ? t.interfaces.map((i) => ({
          name: i.name,
          speed: i.speed && PORT_SPEEDS.has(i.speed) ? i.speed : null,
          mgmt_only: i.mgmt_only ?? false,
        }))
      : [];
  return { device_type_id: t.id, for: target, zero_u: t.u_height === 0, fields, ports };
}
