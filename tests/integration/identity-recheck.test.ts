import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { withRiderSlot } from '../../worker/platform/db/rider';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  decodeJwtPart,
  expectProblem,
  type Row,
  type TestUser,
} from '../helpers';

// A read-only request with a token the isolate already knows runs with the actor it resolved to last time and
// re-checks the account inside its own D1 batch (worker/platform/identity/authenticate.ts). These tests change the
// account between two reads and check that the second read already answers as the account is now, with nothing
// of the stale answer left (body, X-Total-Count).

let admin: string;
let dc: Row;
const racks: Record<string, Row> = {};

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  for (const zone of ['Public', 'Confidential']) {
    racks[zone] = await createRack(admin, { datacenter_id: dc.id, security_zone: zone });
    await createServer(admin, { rack_id: racks[zone].id });
  }
});

const setClearance = async (user: TestUser, clearance: string) => {
  const res = await api(`/api/users/${user.id}`, { method: 'PATCH', token: admin, json: { clearance } });
  expect(res.status, res.text).toBe(200);
};
const rackIds = (rows: Row[]) => rows.map((r) => r.id).sort((a, b) => a - b);

describe('the identity re-check of read-only requests', () => {
  it('a lowered clearance applies to the very next list, its count and detail reads', async () => {
    const op = await createUser('operator', admin);
    await setClearance(op, 'Confidential');
    const before = await api(`/api/racks?datacenter_id=${dc.id}`, { token: op.token });
    expect(rackIds(before.body)).toEqual(rackIds([racks.Public, racks.Confidential]));
    expect(before.headers.get('X-Total-Count')).toBe('2');
    // twice: the second read is served from the isolate's known token
    expect((await api(`/api/racks/${racks.Confidential.id}`, { token: op.token })).status).toBe(200);

    await setClearance(op, 'Public');
    const after = await api(`/api/racks?datacenter_id=${dc.id}`, { token: op.token });
    expect(rackIds(after.body)).toEqual([racks.Public.id]);
    expect(after.headers.get('X-Total-Count')).toBe('1');
    expectProblem(await api(`/api/racks/${racks.Confidential.id}`, { token: op.token }), 404);
    expect((await api(`/api/servers?rack_id=${racks.Confidential.id}`, { token: op.token })).body).toEqual([]);
  });

  it('a raised clearance applies at once too', async () => {
    const viewer = await createUser('viewer', admin);
    expectProblem(await api(`/api/racks/${racks.Confidential.id}`, { token: viewer.token }), 404);
    await setClearance(viewer, 'Confidential');
    expect((await api(`/api/racks/${racks.Confidential.id}`, { token: viewer.token })).status).toBe(200);
  });

  it('a revoked session ends its access token on the next read', async () => {
    const op = await createUser('operator', admin);
    expect((await api('/api/racks?limit=1', { token: op.token })).status).toBe(200);
    expect((await api('/api/racks?limit=1', { token: op.token })).status).toBe(200);
    const sid = decodeJwtPart(op.token, 1).sid;
    expect((await api(`/api/sessions/${sid}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expectProblem(await api('/api/racks?limit=1', { token: op.token }), 401);
    expectProblem(await api(`/api/racks/${racks.Public.id}`, { token: op.token }), 401);
  });

  it('a role change applies to reads refused before they touch the database', async () => {
    const user = await createUser('viewer', admin);
    // the role check refuses before any query: the re-check travels alone
    expectProblem(await api('/api/users', { token: user.token }), 403);
    expectProblem(await api('/api/users', { token: user.token }), 403);
    const res = await api(`/api/users/${user.id}`, { method: 'PATCH', token: admin, json: { role: 'admin' } });
    expect(res.status, res.text).toBe(200);
    const listed = await api('/api/users', { token: user.token });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.map((u: Row) => u.id)).toContain(user.id);
  });
});

describe('the rider slot', () => {
  it('carries the seated statement in the next batch, first, and hands the rest back untouched', async () => {
    const { d1, slot } = withRiderSlot(env.DB);
    let seen: unknown;
    slot.seat({ statement: d1.prepare('SELECT 41 + 1 AS answer'), settle: (r) => (seen = r.results) });
    const results = await d1.batch([d1.prepare('SELECT 1 AS one'), d1.prepare('SELECT 2 AS two')]);
    expect(results.map((r) => r.results)).toEqual([[{ one: 1 }], [{ two: 2 }]]);
    expect(seen).toEqual([{ answer: 42 }]);
    expect(slot.unseated()).toBeNull(); // it rode: nothing left to run alone
    // later batches go through as they are
    expect((await d1.batch([d1.prepare('SELECT 3 AS three')])).map((r) => r.results)).toEqual([[{ three: 3 }]]);
  });

  it('stays seated when the batch it was to ride fails, so it can still travel alone', async () => {
    const { d1, slot } = withRiderSlot(env.DB);
    const rider = { statement: d1.prepare('SELECT 1 AS ok'), settle: () => {} };
    slot.seat(rider);
    await expect(d1.batch([d1.prepare('SELECT * FROM no_such_table')])).rejects.toThrow(/no_such_table/);
    expect(slot.unseated()).toBe(rider);
  });
});
