import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';

/**
 * Device-type templates in the shape of the NetBox device-type library: creating a device of a type fills its U
 * height and power draw. Component templates (interfaces, power ports, …) are kept as the library lists them.
 */
export const deviceTypes = sqliteTable(
  'device_types',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    manufacturer: text('manufacturer').notNull(),
    model: text('model').notNull(),
    slug: text('slug').notNull(),
    part_number: text('part_number'),
    /** server, network, storage, pdu, other: which inventory a device of this type becomes */
    kind: text('kind').notNull().default('server'),
    u_height: real('u_height').notNull().default(1),
    is_full_depth: integer('is_full_depth', { mode: 'boolean' }).notNull().default(true),
    airflow: text('airflow'),
    weight_kg: real('weight_kg'),
    /** the largest maximum draw of its power ports, in W */
    max_draw_w: integer('max_draw_w'),
    allocated_draw_w: integer('allocated_draw_w'),
    interfaces: text('interfaces', { mode: 'json' })
      .$type<{ name: string; type?: string; mgmt_only?: boolean; speed?: string | null }[]>()
      .notNull()
      .default([]),
    power_ports: text('power_ports', { mode: 'json' })
      .$type<{ name: string; type?: string; maximum_draw?: number | null; allocated_draw?: number | null }[]>()
      .notNull()
      .default([]),
    power_outlets: integer('power_outlets').notNull().default(0),
    components: text('components', { mode: 'json' }).$type<Record<string, unknown[]>>().notNull().default({}),
    comments: text('comments'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('device_types_mfr_model_uq').on(sql`lower(${t.manufacturer})`, sql`lower(${t.model})`),
    uniqueIndex('device_types_slug_uq').on(t.slug),
    index('device_types_kind_idx').on(t.kind),
  ],
);
