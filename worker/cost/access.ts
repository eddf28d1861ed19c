import { declareEntity, rawZoneOf, type Entity } from '../platform/access/entities';
import { SECURITY_ZONES } from '../platform/schemas/common';
import { rackEntity, serverEntity } from '../dcim/access';
import { vmEntity } from '../virtualization/access';

// Identifiers and zone names below come from code, never from requests.
const TARGETS = { rack: ['racks', rackEntity], server: ['servers', serverEntity], vm: ['vms', vmEntity] } as const;

/**
 * Each row of `table` with the zone of the rack, server or VM it is scoped to, worked out by their own
 * declarations; the estate, a datacenter, an owner or a tag is in the least sensitive zone.
 */
const scopeZone = (table: string, type: string): Entity => ({
  type,
  table: `(SELECT h.id AS id, coalesce(CASE h.scope_type ${Object.entries(TARGETS)
    .map(
      ([kind, [t, entity]]) =>
        `WHEN '${kind}' THEN (SELECT ${rawZoneOf(entity, 't', 10)} FROM ${t} t WHERE t.id = h.scope_id)`,
    )
    .join(' ')} END, '${SECURITY_ZONES[0]}') AS zone FROM ${table} h)`,
  zone: { column: 'zone' },
});

// A contract or budget on a rack, server or VM is as secret as what it covers: its amount tells what runs there.
export const contractEntity = declareEntity({
  type: 'cost_contract',
  table: 'cost_contracts',
  zone: { via: scopeZone('cost_contracts', 'cost_contract_scope'), column: 'id' },
});
export const budgetEntity = declareEntity({
  type: 'cost_budget',
  table: 'cost_budgets',
  zone: { via: scopeZone('cost_budgets', 'cost_budget_scope'), column: 'id' },
});
