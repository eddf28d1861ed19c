import { declareEntity, rawZoneOf, type Entity } from '../platform/access/entities';
import { SECURITY_ZONES } from '../platform/schemas/common';
import { serverEntity } from '../dcim/access';
import { vmEntity } from '../virtualization/access';
import { networkPortEntity } from '../network/access';
import { storageSystemEntity } from '../storage/access';

/** What an address may be assigned to, with the table and entity that say how secret the target is. */
export const ASSIGNABLE = {
  server: { table: 'servers', entity: serverEntity },
  vm: { table: 'vms', entity: vmEntity },
  network_port: { table: 'network_ports', entity: networkPortEntity },
  storage_system: { table: 'storage_systems', entity: storageSystemEntity },
} as const;

// Identifiers and zone names below come from code, never from requests.
const zoneOfTarget = Object.entries(ASSIGNABLE)
  .map(
    ([kind, { table, entity }]) =>
      `WHEN '${kind}' THEN (SELECT ${rawZoneOf(entity, 't', 10)} FROM ${table} t WHERE t.id = h.assigned_id)`,
  )
  .join(' ');

/**
 * Each address with the zone of what it is assigned to, worked out by the targets' own declarations. An
 * unassigned address (or one on a target without a rack, like storage attached to a hall) is in the least
 * sensitive zone: every inventory reader sees it. Not declared itself: only a step in ip_address's chain.
 */
const assignmentZone: Entity = {
  type: 'ip_address_assignment',
  table: `(SELECT h.id AS id, coalesce(CASE h.assigned_kind ${zoneOfTarget} END, '${SECURITY_ZONES[0]}') AS zone FROM ip_addresses h)`,
  zone: { column: 'zone' },
};

// An address is as secret as the server, VM, port or storage system it is assigned to (the assignment is
// polymorphic, so the chain goes through the per-address zone above). Prefixes and VLANs are in no zone.
export const ipAddressEntity = declareEntity({
  type: 'ip_address',
  table: 'ip_addresses',
  zone: { via: assignmentZone, column: 'id' },
});
