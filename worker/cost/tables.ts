import { sqliteTable, text, integer, real, index } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { datacenters } from '../dcim/tables';
import type { Band } from './schemas/tariff';

/**
 * What a site's costs are priced at: energy (flat, or time-of-use bands in the site's local hours), space (per U
 * and per rack, per month) and how its hardware is written off. One tariff per datacenter; the tariff without a
 * datacenter prices every site that has none of its own. Purchase costs are read in the tariff's currency.
 */
export const costTariffs = sqliteTable(
  'cost_tariffs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    datacenter_id: integer('datacenter_id').references(() => datacenters.id),
    currency: text('currency').notNull(),
    energy_kind: text('energy_kind').notNull().default('flat'),
    /** flat: the price of a kWh; time-of-use: the price outside every band */
    rate_per_kwh: real('rate_per_kwh').notNull(),
    bands: text('bands', { mode: 'json' }).$type<Band[]>().notNull().default([]),
    /** the bands' hours are local: UTC plus this (no daylight saving) */
    utc_offset_hours: integer('utc_offset_hours').notNull().default(0),
    space_per_u_month: real('space_per_u_month'),
    space_per_rack_month: real('space_per_rack_month'),
    amortisation_method: text('amortisation_method').notNull().default('straight_line'),
    amortisation_years: integer('amortisation_years').notNull(),
    /** declining balance: the yearly rate is factor / years (2 = double-declining) */
    declining_factor: real('declining_factor'),
    description: text('description'),
    ...timestamps(),
  },
  (t) => [index('cost_tariffs_dc_idx').on(t.datacenter_id)],
);

/**
 * Licences and support contracts: an amount per month or per year from `starts_on` (to `ends_on`, exclusive),
 * charged to what they cover: the estate, a datacenter, a rack, a server or a VM.
 */
export const costContracts = sqliteTable(
  'cost_contracts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    kind: text('kind').notNull().default('support'),
    vendor: text('vendor'),
    scope_type: text('scope_type').notNull().default('estate'),
    scope_id: integer('scope_id'),
    currency: text('currency').notNull(),
    amount: real('amount').notNull(),
    billing: text('billing').notNull().default('yearly'),
    starts_on: text('starts_on').notNull(),
    ends_on: text('ends_on'),
    description: text('description'),
    ...timestamps(),
  },
  (t) => [index('cost_contracts_scope_idx').on(t.scope_type, t.scope_id)],
);

/**
 * Spending limits per scope (the estate, a datacenter, rack or server, a VM owner or tag) and calendar period.
 * `alert_at_pct`: raise an alert when the period's forecast (or its actual) reaches this share of the amount.
 */
export const costBudgets = sqliteTable(
  'cost_budgets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    scope_type: text('scope_type').notNull().default('estate'),
    scope_id: integer('scope_id'),
    scope_value: text('scope_value'),
    period: text('period').notNull().default('month'),
    amount: real('amount').notNull(),
    currency: text('currency').notNull(),
    alert_at_pct: integer('alert_at_pct'),
    ...timestamps(),
  },
  (t) => [index('cost_budgets_scope_idx').on(t.scope_type, t.scope_id)],
);
