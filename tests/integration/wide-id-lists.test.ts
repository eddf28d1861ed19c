// D1 binds at most 100 variables per statement: reads keyed by a list of ids (the racks of a bulk create, the
// racks and PDUs of a site) must not spell them out one variable each. A site of 110 racks: a bulk create of
// storage systems and of PDUs spanning all of them, and the site's power chain (each a 500 before).
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, createDatacenter, type Row, uniqueName } from '../helpers';

const RACKS = 110;
let admin: string;
let dc: Row;
let racks: Row[];

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  const res = await api('/api/racks', {
    token: admin,
    json: Array.from({ length: RACKS }, (_, i) => ({
      name: uniqueName(`wide-${i}`),
      datacenter_id: dc.id,
      u_capacity: 42,
      power_capacity_kw: 10,
    })),
  });
  expect(res.status, res.text).toBe(201);
  racks = res.body as Row[];
  expect(racks).toHaveLength(RACKS);
});

describe('id lists past 100', () => {
  it('bulk-creates storage systems in 110 racks', async () => {
    const res = await api('/api/storage', {
      token: admin,
      json: racks.map((r) => ({
        name: uniqueName('wide-array'),
        datacenter_id: dc.id,
        rack_id: r.id,
        u_position: 1,
        u_size: 2,
        disk_count: 12,
        raw_capacity_tb: 96,
      })),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toHaveLength(RACKS);
  });

  it('bulk-creates a PDU in each of 110 racks on one feed, and draws the site power chain', async () => {
    const feed = await api('/api/power/feeds', {
      token: admin,
      json: { name: uniqueName('wide-feed'), datacenter_id: dc.id, voltage: 230, amperage: 400, phase: 'three-phase' },
    });
    expect(feed.status, feed.text).toBe(201);
    const res = await api('/api/power/pdus', {
      token: admin,
      json: racks.map((r) => ({
        name: uniqueName('wide-pdu'),
        rack_id: r.id,
        feed_id: feed.body.id,
        u_position: null,
        outlets: 8,
        capacity_kw: 7.4,
      })),
    });
    expect(res.status, res.text).toBe(201);
    const chain = await api(`/api/power/chain?datacenter_id=${dc.id}`, { token: admin });
    expect(chain.status, chain.text).toBe(200);
    expect(JSON.stringify(chain.body)).toContain(racks[RACKS - 1]!.name as string);
  });
});
