import { sql, type SQL } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { pduEntity } from './access';

/**
 * The watts supply `s` carries: its device's allocated power (rack_mounts.power_w, none when decommissioned)
 * shared over the device's supplies, as chain-model.ts supplyLoadsW computes it.
 */
const SUPPLY_W = `coalesce((SELECT CASE WHEN m.status = 'decommissioned' THEN 0 ELSE m.power_w END * 1.0
    / (SELECT count(*) FROM power_supplies s2 WHERE s2.device_kind = s.device_kind AND s2.device_id = s.device_id)
  FROM rack_mounts m WHERE m.kind = s.device_kind AND m.id = s.device_id), 0)`;

/** kW on the PDUs matching `pduWhere` (over alias `p`), counting only PDUs the caller may see. */
export const allocatedKwSql = (ctx: ServiceContext, pduWhere: string): SQL =>
  sql`(SELECT round(coalesce(sum(${sql.raw(SUPPLY_W)}), 0) / 1000.0, 3)
        FROM power_supplies s JOIN pdus p ON p.id = s.pdu_id WHERE ${sql.raw(pduWhere)}${andVisible(ctx, pduEntity, 'p')})`;

/** Watts one supply (alias `power_supplies`) carries. */
export const supplyWattsSql = sql.raw(
  `(SELECT round(${SUPPLY_W}) FROM power_supplies s WHERE s.id = power_supplies.id)`,
);
