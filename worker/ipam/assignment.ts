import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { Change } from '../platform/http/resource';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { andVisible } from '../platform/access/entities';
import { ASSIGNABLE } from './access';

const KIND_LABEL: Record<string, string> = {
  server: 'Server',
  vm: 'VM',
  network_port: 'Network port',
  storage_system: 'Storage system',
};

// Identifiers come from ASSIGNABLE (code); only ids are bound.
const caseOf = (pick: (kind: keyof typeof ASSIGNABLE) => string) =>
  `(CASE ip_addresses.assigned_kind ${Object.keys(ASSIGNABLE)
    .map((k) => `WHEN '${k}' THEN ${pick(k as keyof typeof ASSIGNABLE)}`)
    .join(' ')} END)`;

/** What the address is on, as people name it: a server or VM name, `switch:port`, a storage system's name. */
export const assignedName = caseOf((kind) =>
  kind === 'network_port'
    ? "(SELECT nd.name || ':' || np.name FROM network_ports np JOIN network_devices nd ON nd.id = np.device_id WHERE np.id = ip_addresses.assigned_id)"
    : `(SELECT t.name FROM ${ASSIGNABLE[kind].table} t WHERE t.id = ip_addresses.assigned_id)`,
);

const targetSite = caseOf(
  (kind) =>
    ({
      server:
        '(SELECT r.datacenter_id FROM servers s JOIN racks r ON r.id = s.rack_id WHERE s.id = ip_addresses.assigned_id)',
      vm: '(SELECT r.datacenter_id FROM vms v JOIN servers s ON s.id = v.host_server_id JOIN racks r ON r.id = s.rack_id WHERE v.id = ip_addresses.assigned_id)',
      network_port:
        '(SELECT r.datacenter_id FROM network_ports np JOIN network_devices nd ON nd.id = np.device_id JOIN racks r ON r.id = nd.rack_id WHERE np.id = ip_addresses.assigned_id)',
      storage_system: '(SELECT st.datacenter_id FROM storage_systems st WHERE st.id = ip_addresses.assigned_id)',
    })[kind],
);

/** The site of the target, else of the most specific prefix holding the address. */
export const addressSite = (prefixSite: string) => `coalesce(${targetSite}, ${prefixSite})`;

/**
 * An assignment names both a kind and an id, or neither; the target must exist and be visible to the caller
 * (one out of sight is answered like one that does not exist).
 */
export async function checkAssignments(ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  // the targets that exist for the caller, one statement per kind (a bulk write asks once, not per row)
  const wanted = new Map<string, Set<number>>();
  for (const ch of changes) {
    const { assigned_kind: kind, assigned_id: id } = ch.after;
    if (kind != null && id != null && kind in ASSIGNABLE) {
      wanted.set(String(kind), (wanted.get(String(kind)) ?? new Set()).add(Number(id)));
    }
  }
  const existing = new Map<string, Set<number>>();
  await Promise.all(
    [...wanted].map(async ([kind, ids]) => {
      const target = ASSIGNABLE[kind as keyof typeof ASSIGNABLE];
      const rows = await ctx.db.all<{ id: number }>(
        sql`SELECT t.id FROM ${sql.raw(target.table)} t WHERE t.id IN (SELECT value FROM json_each(${JSON.stringify([...ids])}))${andVisible(ctx, target.entity, 't')}`,
      );
      existing.set(kind, new Set(rows.map((r) => r.id)));
    }),
  );
  for (const ch of changes) {
    const { assigned_kind: kind, assigned_id: id } = ch.after;
    if (ch.before && ch.before.assigned_kind === kind && ch.before.assigned_id === id) continue;
    if ((kind == null) !== (id == null)) {
      errors.push(
        kind == null
          ? { field: `${ch.prefix}assigned_kind`, message: 'is required with assigned_id' }
          : { field: `${ch.prefix}assigned_id`, message: 'is required with assigned_kind' },
      );
      continue;
    }
    if (kind == null) continue;
    if (!existing.get(String(kind))?.has(Number(id)))
      errors.push({ field: `${ch.prefix}assigned_id`, message: `${KIND_LABEL[kind]} ${id} does not exist` });
  }
  if (errors.length) throw unprocessable(errors);
}
