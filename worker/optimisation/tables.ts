import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { datacenters } from '../dcim/tables';

/**
 * VM placement plans: what the solver (optimisation/packing) proposes for one datacenter's hosts, kept so an
 * operator can review it, another approve it, and the cron carry it out as live migrations (execute.ts). The
 * plan's zone is the highest of the hosts it touches: whoever could not see one of them does not see the plan.
 */
export const placementPlans = sqliteTable(
  'placement_plans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    goal: text('goal').notNull(),
    headroom_pct: real('headroom_pct').notNull().default(10),
    status: text('status').notNull().default('proposed'),
    security_zone: text('security_zone').notNull().default('Public'),
    summary: text('summary', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    moves: text('moves', { mode: 'json' }).$type<Record<string, unknown>[]>().notNull(),
    hosts: text('hosts', { mode: 'json' }).$type<Record<string, unknown>[]>().notNull(),
    unplaceable: text('unplaceable', { mode: 'json' }).$type<Record<string, unknown>[]>().notNull(),
    requested_by: text('requested_by'),
    decided_by: text('decided_by'),
    decided_at: text('decided_at'),
    error: text('error'),
    ...timestamps(),
  },
  (t) => [
    index('placement_plans_dc_idx').on(t.datacenter_id),
    index('placement_plans_status_idx').on(t.status),
    index('placement_plans_created_idx').on(sql`${t.created_at}`),
  ],
);
