// Rack faces: half-depth devices share a U from opposite faces (NetBox's face and is_full_depth), through the
// API's placement check, the servers' database triggers (migrations/0034), the elevation and the rack list.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  uniqueName,
  type Row,
} from '../helpers';

let admin: string;
let rack: Row;
const halfFront = { face: 'front', is_full_depth: false };
const halfRear = { face: 'rear', is_full_depth: false };

const panel = (overrides: Row) =>
  api('/api/network/devices', {
    token: admin,
    json: { name: uniqueName('PP'), device_type: 'patch_panel', rack_id: rack.id, u_size: 1, ...overrides },
  });

beforeAll(async () => {
  admin = await adminToken();
  const dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id, u_capacity: 12, power_capacity_kw: 10 });
});

describe('rack faces', () => {
  it('puts a rear patch panel behind a half-depth front server, and refuses a third device there', async () => {
    const server = await createServer(admin, { rack_id: rack.id, u_position: 10, u_size: 1, ...halfFront });
    expect(server).toMatchObject({ face: 'front', is_full_depth: false });
    const pp = await panel({ u_position: 10, ...halfRear });
    expect(pp.status, pp.text).toBe(201);
    expect(pp.body).toMatchObject({ face: 'rear', is_full_depth: false });

    // the rear of U10 is taken now, and a full-depth device needs both faces
    const p2 = expectProblem(await panel({ u_position: 10, ...halfRear }), 409, ['u_position']);
    expect(p2.detail).toContain('U10 (rear)');
    expectProblem(await panel({ u_position: 10, face: 'rear' }), 409, ['u_position']);

    const el = await api(`/api/racks/${rack.id}/elevation`, { token: admin });
    expect(el.status, el.text).toBe(200);
    expect(el.body.units.find((u: Row) => u.u === 10)).toEqual({
      u: 10,
      device_id: server.id,
      kind: 'server',
      rear_device_id: pp.body.id,
      rear_kind: 'network',
    });
    // two devices, one U: the rack list counts the U once
    const list = await api(`/api/racks?datacenter_id=${rack.datacenter_id}`, { token: admin });
    expect(list.body.find((r: Row) => r.id === rack.id)).toMatchObject({ device_count: 2, used_u: 1 });
    expect(el.body).toMatchObject({ used_u: 1, free_u: 11 });
  });

  it('refuses a face change that would put two half-depth devices on one face (409), and an unknown face (422)', async () => {
    const a = await createServer(admin, { rack_id: rack.id, u_position: 5, ...halfFront });
    const b = await createServer(admin, { rack_id: rack.id, u_position: 5, ...halfRear });
    expectProblem(await api(`/api/servers/${b.id}`, { method: 'PATCH', token: admin, json: { face: 'front' } }), 409, [
      'u_position',
    ]);
    expectProblem(
      await api(`/api/servers/${a.id}`, { method: 'PATCH', token: admin, json: { is_full_depth: true } }),
      409,
      ['u_position'],
    );
    expectProblem(
      await api(`/api/servers/${a.id}`, { method: 'PATCH', token: admin, json: { face: 'side', is_full_depth: 'no' } }),
      422,
      ['face', 'is_full_depth'],
    );
  });

  it('has the database refuse what the service would (two writers racing past the check)', async () => {
    const insert = (name: string, face: string, full: number) =>
      env.DB.prepare(
        `INSERT INTO servers (name, rack_id, serial_number, u_position, u_size, face, is_full_depth, created_at, updated_at)
         VALUES (?, ?, ?, 2, 1, ?, ?, datetime('now'), datetime('now'))`,
      )
        .bind(name, rack.id, uniqueName('SN'), face, full)
        .run();
    await insert(uniqueName('t'), 'front', 0);
    await insert(uniqueName('t'), 'rear', 0); // the other face: accepted
    await expect(insert(uniqueName('t'), 'rear', 0)).rejects.toThrow(/placement_conflict:u_position/);
    await expect(insert(uniqueName('t'), 'front', 1)).rejects.toThrow(/placement_conflict:u_position/);
  });
});
