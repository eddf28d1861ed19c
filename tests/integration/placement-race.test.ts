import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, countRows, createRack, createServer, expectProblem, serverBody, type Row } from '../helpers';

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

/** Fire the bodies at POST /api/servers all at once; every answer is a 201 or a placement 409, never a 500. */
async function race(bodies: Row[]) {
  const results = await Promise.all(bodies.map((json) => api('/api/servers', { token: admin, json })));
  for (const r of results) expect([201, 409], r.text).toContain(r.status);
  const refused = results.filter((r) => r.status === 409);
  return { created: results.filter((r) => r.status === 201), refused };
}

describe('concurrent placements (service check + database triggers)', () => {
  it('twenty servers into the same U slot: exactly one is created', async () => {
    const rack = await createRack(admin);
    const { created, refused } = await race(
      Array.from({ length: 20 }, () => serverBody(rack.id, { u_position: 7, u_size: 2, power_supply_w: 100 })),
    );
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) expectProblem(r, 409, ['u_position']);
    expect(await countRows('servers', `rack_id = ${rack.id}`)).toBe(1);
  });

  it('twenty servers that each fit alone but overrun the power budget together: only what fits is created', async () => {
    // 10 kW rack, 4 kW each in different slots: two fit, the third would make 12 kW
    const rack = await createRack(admin, { power_capacity_kw: 10 });
    const { created, refused } = await race(
      Array.from({ length: 20 }, (_, i) => serverBody(rack.id, { u_position: 1 + 2 * i, power_supply_w: 4000 })),
    );
    expect(created).toHaveLength(2);
    expect(refused).toHaveLength(18);
    for (const r of refused) expectProblem(r, 409, ['power_supply_w']);
    const sum = await env.DB.prepare('SELECT sum(power_supply_w) AS w FROM servers WHERE rack_id = ?')
      .bind(rack.id)
      .first<{ w: number }>();
    expect(sum?.w).toBe(8000);
  });
});

describe('the triggers refuse what the service refuses, even for writes that bypass it', () => {
  const insert = (rackId: number, name: string, u: number, size: number, watts: number, status = 'active') =>
    env.DB.prepare(
      `INSERT INTO servers (name, serial_number, rack_id, u_position, u_size, power_supply_w, status)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(name, `SN-${name}`, rackId, u, size, watts, status)
      .run();

  it('overlapping slots, slots past the top, power over budget', async () => {
    const rack = await createRack(admin, { u_capacity: 10, power_capacity_kw: 1 });
    await createServer(admin, { rack_id: rack.id, u_position: 4, u_size: 2, power_supply_w: 600 });
    const tag = `trg-${rack.id}`;
    await expect(insert(rack.id, `${tag}-a`, 5, 1, 0)).rejects.toThrow(/placement_conflict:u_position:.*overlap/);
    await expect(insert(rack.id, `${tag}-b`, 3, 2, 0)).rejects.toThrow(/placement_conflict:u_position:.*overlap/);
    await expect(insert(rack.id, `${tag}-c`, 10, 2, 0)).rejects.toThrow(/placement_conflict:u_position:.*top/);
    await expect(insert(rack.id, `${tag}-d`, 6, 1, 401)).rejects.toThrow(/placement_conflict:power_supply_w:/);
    // exactly at the budget is fine; a decommissioned server draws nothing but still holds its slot
    await insert(rack.id, `${tag}-e`, 6, 1, 400);
    await insert(rack.id, `${tag}-f`, 7, 1, 5000, 'decommissioned');
    await expect(insert(rack.id, `${tag}-g`, 7, 1, 0)).rejects.toThrow(/overlap/);
    // bringing the decommissioned one back would exceed the budget
    await expect(
      env.DB.prepare(`UPDATE servers SET status = 'active' WHERE name = ?`).bind(`${tag}-f`).run(),
    ).rejects.toThrow(/placement_conflict:power_supply_w:/);
    // a change that leaves placement alone is not checked again
    await env.DB.prepare(`UPDATE servers SET os = 'x', status = status WHERE name = ?`).bind(`${tag}-f`).run();
    // a server is not measured against its own old row: not an overlap with itself, its old watts not counted twice
    await env.DB.prepare(`UPDATE servers SET power_supply_w = 399 WHERE name = ?`).bind(`${tag}-e`).run();
  });

  it('a rack cannot shrink under its servers', async () => {
    const rack = await createRack(admin, { u_capacity: 42, power_capacity_kw: 10 });
    await createServer(admin, { rack_id: rack.id, u_position: 30, u_size: 2, power_supply_w: 3000 });
    const shrink = (sets: string) => env.DB.prepare(`UPDATE racks SET ${sets} WHERE id = ?`).bind(rack.id).run();
    await expect(shrink('u_capacity = 30')).rejects.toThrow(/placement_conflict:u_capacity:/);
    await expect(shrink('power_capacity_kw = 2.9')).rejects.toThrow(/placement_conflict:power_capacity_kw:/);
    await shrink('u_capacity = 31, power_capacity_kw = 3');
  });
});
