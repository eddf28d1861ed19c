import type { DeviceRef } from './samples';
import type { RackMeta } from '../../durable-objects/rack-telemetry';
import { clearanceCovers } from '../platform/access/zones';

/**
 * Where a sample goes: a server (and its rack), a rack (PDU, sensors), or a datacenter (facility meters). A sample
 * from another rack-mounted device (a storage array, a switch, a PDU) goes to its rack labelled with the device
 * (`device`, `device_kind`), which is how its page finds the series.
 */
export type Target =
  | { kind: 'server'; server_id: number; rack: RackMeta }
  | { kind: 'rack'; rack: RackMeta; device?: { kind: string; id: number; name: string } }
  | { kind: 'datacenter'; datacenter_id: number };

interface ServerRow extends RackRow {
  server_id: number;
  server_name: string;
  serial_number: string;
  ip_address: string | null;
  management_ip: string | null;
  rack_id: number;
}
/** A rack-mounted device that is not a server (dcim/mounted.ts kinds), as the rack_mounts view gives it. */
interface MountRow extends RackRow {
  device_kind: string;
  device_id: number;
  device_name: string;
  serial_number: string | null;
  management_ip: string | null;
}
interface RackRow {
  rack_id: number;
  rack_name: string;
  datacenter_id: number;
  security_zone: string;
  power_capacity_kw: number;
}

/**
 * Inventory lookups are cached per isolate for a short while: agents send the same device names every few
 * seconds, and a batch of 1,000 samples should not cost a D1 round trip per batch. A server moved to another
 * rack is routed to its new rack within TTL_MS.
 */
const TTL_MS = 30_000;
const cache = new Map<string, { exp: number; value: unknown }>();
function cachedShared<T>(key: string, now: number): T | undefined {
  const hit = cache.get(key);
  if (!hit) return undefined;
  if (hit.exp < now) {
    cache.delete(key);
    return undefined;
  }
  return hit.value as T;
}
function rememberShared(key: string, value: unknown, now: number) {
  if (cache.size > 50_000) cache.clear();
  cache.set(key, { exp: now + TTL_MS, value });
}
/** Tests change the inventory between requests. */
export const forgetDevices = () => cache.clear();

/**
 * Drop what this isolate cached about a rack (and the servers in it) or a server, after an inventory write:
 * its next sample is routed with fresh data. Other isolates keep theirs until TTL_MS; the rack object refuses
 * their stale, lower zone meanwhile (durable-objects/telemetry/rack-state.ts).
 */
export function forgetInventory(what: { rack_id?: number; server_id?: number }): void {
  for (const [k, hit] of cache) {
    const v = hit.value as Partial<ServerRow> | null;
    if (!v || typeof v !== 'object') continue;
    if (
      (what.rack_id !== undefined && v.rack_id === what.rack_id) ||
      (what.server_id !== undefined && v.server_id === what.server_id)
    )
      cache.delete(k);
  }
}

const metaOf = (r: RackRow): RackMeta => ({
  rack_id: r.rack_id,
  datacenter_id: r.datacenter_id,
  name: r.rack_name,
  zone: r.security_zone,
  power_capacity_kw: r.power_capacity_kw,
});

/** `instance` is host[:port] (or [v6]:port): the host part names the server. */
export function instanceHost(instance: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(instance);
  if (v6) return v6[1];
  const m = /^([^:]+)(?::\d+)?$/.exec(instance);
  return m ? m[1] : instance;
}

const norm = (s: string) => s.trim().toLowerCase();

/**
 * Resolve device references to targets, or null when nothing (visible to `clearance`) matches. Devices above
 * the sender's clearance are unmatched: an agent token does not learn that a hidden rack exists.
 */
export async function resolveDevices(
  db: D1Database,
  refs: DeviceRef[],
  clearance: string | null,
  now = Date.now(),
): Promise<(Target | null)[]> {
  // this call's own view of the cache: another request expiring entries while this one awaits D1 cannot
  // unresolve a device this one already found
  const local = new Map<string, unknown>();
  const cached = <T>(key: string, at: number): T | undefined => {
    if (local.has(key)) return local.get(key) as T;
    const hit = cachedShared<T>(key, at);
    if (hit !== undefined) local.set(key, hit);
    return hit;
  };
  const wantServers = new Set<string>();
  const wantRacks = new Set<string>();
  const wantDcs = new Set<string>();
  const serverTerms = (r: DeviceRef): string[] =>
    [r.server, r.serial, r.instance ? instanceHost(r.instance) : undefined].filter((x): x is string => !!x).map(norm);
  for (const r of refs) {
    if (r.server || r.serial || r.instance) {
      for (const t of serverTerms(r))
        if (cached(`s:${t}`, now) === undefined || cached(`m:${t}`, now) === undefined) wantServers.add(t);
    } else if (r.rack) {
      if (cached(`r:${norm(r.rack)}`, now) === undefined) wantRacks.add(norm(r.rack));
    } else if (r.datacenter && cached(`d:${norm(r.datacenter)}`, now) === undefined) wantDcs.add(norm(r.datacenter));
  }
  for (const [k, v] of await lookup(db, wantServers, wantRacks, wantDcs, now)) local.set(k, v);

  const visible = (zone: string) => clearanceCovers(clearance, zone);
  return refs.map((r): Target | null => {
    if (r.server || r.serial || r.instance) {
      const server = r.server ? norm(r.server) : null;
      // "server" may be an id, a name or a serial; "serial" only a serial; "instance" a name or an address
      const candidates: (ServerRow | null | undefined)[] = [
        server ? cached<ServerRow | null>(`s:${server}`, now) : undefined,
        r.serial ? cached<ServerRow | null>(`s:${norm(r.serial)}`, now) : undefined,
        r.instance ? cached<ServerRow | null>(`s:${norm(instanceHost(r.instance))}`, now) : undefined,
      ];
      // a server by that name wins; otherwise another device in a rack (an snmp_exporter target is a switch)
      const row = candidates.find((c) => c);
      if (row && visible(row.security_zone)) return { kind: 'server', server_id: row.server_id, rack: metaOf(row) };
      if (row) return null;
      const dev = [server, r.serial, r.instance ? instanceHost(r.instance) : undefined]
        .filter((t): t is string => !!t)
        .map((t) => cached<MountRow | null>(`m:${norm(t)}`, now))
        .find((c) => c);
      if (!dev || !visible(dev.security_zone)) return null;
      return {
        kind: 'rack',
        rack: metaOf(dev),
        device: { kind: dev.device_kind, id: dev.device_id, name: dev.device_name },
      };
    }
    if (r.rack) {
      const row = cached<RackRow | null>(`r:${norm(r.rack)}`, now);
      if (!row || !visible(row.security_zone)) return null;
      return { kind: 'rack', rack: metaOf(row) };
    }
    if (r.datacenter) {
      const id = cached<number | null>(`d:${norm(r.datacenter)}`, now);
      return id ? { kind: 'datacenter', datacenter_id: id } : null;
    }
    return null;
  });
}

const SERVER_COLUMNS = `s.id AS server_id, s.name AS server_name, s.serial_number, s.ip_address, s.management_ip,
  r.id AS rack_id, r.name AS rack_name, r.datacenter_id, r.security_zone, r.power_capacity_kw`;
const MOUNT_COLUMNS = `m.kind AS device_kind, m.id AS device_id, m.name AS device_name, m.serial_number,
  m.management_ip, r.id AS rack_id, r.name AS rack_name, r.datacenter_id, r.security_zone, r.power_capacity_kw`;
const RACK_COLUMNS = `r.id AS rack_id, r.name AS rack_name, r.datacenter_id, r.security_zone, r.power_capacity_kw`;

/** Look the terms up in D1; remembers and returns what it found (null for nothing) per cache key. */
async function lookup(
  db: D1Database,
  servers: Set<string>,
  racks: Set<string>,
  dcs: Set<string>,
  now: number,
): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  const remember = (key: string, value: unknown) => {
    found.set(key, value);
    rememberShared(key, value, now);
  };
  const statements: D1PreparedStatement[] = [];
  const s = [...servers];
  const rk = [...racks];
  const d = [...dcs];
  // each term list is one JSON parameter; terms match ids, names and serials regardless of case, or addresses
  if (s.length)
    statements.push(
      db
        .prepare(
          `SELECT ${SERVER_COLUMNS} FROM servers s JOIN racks r ON r.id = s.rack_id
           WHERE CAST(s.id AS TEXT) IN (SELECT value FROM json_each(?1))
              OR lower(s.name) IN (SELECT value FROM json_each(?1))
              OR lower(s.serial_number) IN (SELECT value FROM json_each(?1))
              OR s.ip_address IN (SELECT value FROM json_each(?1))
              OR s.management_ip IN (SELECT value FROM json_each(?1))`,
        )
        .bind(JSON.stringify(s)),
      // the other rack-mounted kinds, by name, serial or management address (ids are per kind: not matched)
      db
        .prepare(
          `SELECT ${MOUNT_COLUMNS} FROM rack_mounts m JOIN racks r ON r.id = m.rack_id
           WHERE m.kind <> 'server' AND (lower(m.name) IN (SELECT value FROM json_each(?1))
              OR lower(m.serial_number) IN (SELECT value FROM json_each(?1))
              OR m.management_ip IN (SELECT value FROM json_each(?1)))`,
        )
        .bind(JSON.stringify(s)),
    );
  if (rk.length)
    statements.push(
      db
        .prepare(
          `SELECT ${RACK_COLUMNS} FROM racks r
           WHERE CAST(r.id AS TEXT) IN (SELECT value FROM json_each(?1)) OR lower(r.name) IN (SELECT value FROM json_each(?1))`,
        )
        .bind(JSON.stringify(rk)),
    );
  if (d.length)
    statements.push(
      db
        .prepare(
          `SELECT id, name FROM datacenters
           WHERE CAST(id AS TEXT) IN (SELECT value FROM json_each(?1)) OR lower(name) IN (SELECT value FROM json_each(?1))`,
        )
        .bind(JSON.stringify(d)),
    );
  if (!statements.length) return found;
  const results = await db.batch(statements);
  let i = 0;
  if (s.length) {
    const rows = results[i++].results as unknown as ServerRow[];
    const byTerm = new Map<string, ServerRow>();
    for (const row of rows) {
      for (const t of [String(row.server_id), row.server_name, row.serial_number, row.ip_address, row.management_ip]) {
        if (t && !byTerm.has(norm(t))) byTerm.set(norm(t), row);
      }
    }
    for (const t of s) remember(`s:${t}`, byTerm.get(t) ?? null);
    const mounts = results[i++].results as unknown as MountRow[];
    const byMountTerm = new Map<string, MountRow | null>();
    for (const row of mounts) {
      for (const t of [row.device_name, row.serial_number, row.management_ip]) {
        if (!t) continue;
        // two devices of different kinds answering to one term: neither is guessed
        const k = norm(t);
        byMountTerm.set(k, byMountTerm.has(k) && byMountTerm.get(k) !== row ? null : row);
      }
    }
    for (const t of s) remember(`m:${t}`, byMountTerm.get(t) ?? null);
  }
  if (rk.length) {
    const rows = results[i++].results as unknown as RackRow[];
    for (const t of rk) {
      const byId = rows.find((r) => String(r.rack_id) === t);
      const byName = rows.filter((r) => norm(r.rack_name) === t);
      // rack names are unique per datacenter only: an ambiguous name matches nothing
      remember(`r:${t}`, byId ?? (byName.length === 1 ? byName[0] : null));
    }
  }
  if (d.length) {
    const rows = results[i].results as unknown as { id: number; name: string }[];
    for (const t of d) remember(`d:${t}`, rows.find((r) => String(r.id) === t || norm(r.name) === t)?.id ?? null);
  }
  return found;
}
