import { expect } from 'vitest';
import { api } from './api';
import { uniqueName } from './names';

export type Row = Record<string, any>;

async function create(path: string, token: string, body: Row): Promise<Row> {
  const res = await api(path, { token, json: body });
  expect(res.status, `POST ${path}: ${res.text}`).toBe(201);
  return res.body;
}

export function datacenterBody(overrides: Row = {}): Row {
  return { name: uniqueName('DC'), location: 'Test City', tier: 'Tier 3', ...overrides };
}

export function rackBody(datacenter_id: number, overrides: Row = {}): Row {
  return { name: uniqueName('RACK'), datacenter_id, u_capacity: 42, power_capacity_kw: 10, ...overrides };
}

export function serverBody(rack_id: number, overrides: Row = {}): Row {
  const name = uniqueName('SRV');
  return {
    name,
    rack_id,
    serial_number: `SN-${name}`,
    u_position: 1,
    u_size: 1,
    power_supply_w: 500,
    ...overrides,
  };
}

export const createDatacenter = (token: string, overrides: Row = {}) =>
  create('/api/datacenters', token, datacenterBody(overrides));

/** A rack; creates a datacenter for it unless `datacenter_id` is given. */
export async function createRack(token: string, overrides: Row = {}): Promise<Row> {
  const datacenter_id = overrides.datacenter_id ?? (await createDatacenter(token)).id;
  return create('/api/racks', token, rackBody(datacenter_id, overrides));
}

/** A server; creates a rack (and datacenter) for it unless `rack_id` is given. */
export async function createServer(token: string, overrides: Row = {}): Promise<Row> {
  const rack_id = overrides.rack_id ?? (await createRack(token)).id;
  return create('/api/servers', token, serverBody(rack_id, overrides));
}
