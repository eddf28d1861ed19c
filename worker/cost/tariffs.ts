import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { unprocessable } from '../platform/http/problem';
import { datacenters } from '../dcim/tables';
import { costTariffs } from './tables';
import { tariffErrors } from './rules';
import { checkOnePerSite } from './scope-check';
import { AMORTISATION_METHODS, ENERGY_KINDS, Tariff, TariffCreate, TariffUpdate } from './schemas/tariff';

export const tariffsResource: ResourceDef = {
  path: '/cost/tariffs',
  entity: 'cost_tariff',
  label: 'Tariff',
  tag: 'Cost',
  table: costTariffs,
  schemas: { create: TariffCreate, update: TariffUpdate, output: Tariff },
  filters: {
    datacenter_id: { type: 'int', description: 'Tariffs of these datacenters (comma-separated ids).' },
    energy_kind: { type: 'string', values: ENERGY_KINDS },
    amortisation_method: { type: 'string', values: AMORTISATION_METHODS },
    currency: { type: 'string' },
  },
  sortable: ['id', 'name', 'datacenter_name', 'currency', 'energy_kind', 'rate_per_kwh', 'created_at'],
  defaultSort: 'name',
  searchable: ['name', 'description'],
  references: { datacenter_id: { table: datacenters, label: 'Datacenter' } },
  computed: () => ({
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = cost_tariffs.datacenter_id)'),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'What a site’s costs are priced at: energy per kWh (flat, or time-of-use bands in local hours), space per U and ' +
    'per rack and month, and how hardware is written off. One per datacenter; the one without a datacenter is the default.',
  async check(ctx, changes) {
    const errors = changes.flatMap((c) => tariffErrors(c.after).map((e) => ({ ...e, field: c.prefix + e.field })));
    if (errors.length) throw unprocessable(errors);
    await checkOnePerSite(ctx, changes);
  },
};
