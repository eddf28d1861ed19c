// An inventory write that raises a rack's effective zone reaches its live state in the same request: sockets the
// new zone no longer admits are closed (4403) by the time the PATCH answers, and the next sample is routed with
// the new zone without waiting for the device cache to expire (the cache is NOT cleared by hand here).
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  createRack,
  createUser,
  estate,
  eventually,
  ingestJson,
  login,
  openSocket,
  withStepUp,
  type LiveSocket,
  type Row,
} from '../helpers';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { CLOSE_FORBIDDEN, socketAttachment } from '../../worker/platform/live/sockets';

let admin: string;
let ingest: string;
let confidential: string;

beforeAll(async () => {
  admin = await adminToken();
  // writes into Top Secret need a recent passkey step-up
  await withStepUp(admin);
  ingest = await apiToken(admin, ['ingest']);
  const user = await createUser('operator', admin);
  const raised = await api(`/api/users/${user.id}`, {
    method: 'PATCH',
    token: admin,
    json: { clearance: 'Confidential' },
  });
  expect(raised.status, raised.text).toBe(200);
  confidential = await login(user.username, user.password);
});

const socket = async (path: string, token: string): Promise<LiveSocket> => {
  const s = await openSocket(path, token);
  if (!('ws' in s)) throw new Error(`upgrade refused: ${s.status} ${JSON.stringify(s.body)}`);
  await s.waitFor((m) => m.type === 'snapshot');
  return s;
};

/** The clearances of the sockets the rack object still holds open. */
const openClearances = (rackId: number) =>
  runInDurableObject(rackTelemetry(env, rackId), (_i, state) =>
    state
      .getWebSockets()
      .filter((ws) => ws.readyState === WebSocket.OPEN)
      .map((ws) => socketAttachment(ws)?.clearance),
  );

const hasValue = (s: LiveSocket, value: number) =>
  s.messages.some((m) => m.type === 'delta' && m.points.some((p: Row) => p.value === value));

describe('zone changes reach live sockets in the PATCH request', () => {
  it('a rack raised to Top Secret closes a Confidential subscriber before the PATCH answers; admins keep receiving', async () => {
    const { rack, servers } = await estate(admin, 1, { security_zone: 'Confidential' });
    // routes the server through this isolate's device cache, which now holds the rack as Confidential
    expect(
      (await ingestJson(ingest, [{ server: servers[0].id, metric: 'cpu_pct', value: 1, ts: Date.now() }])).status,
    ).toBe(200);
    const low = await socket(`/api/live/racks/${rack.id}`, confidential);
    const high = await socket(`/api/live/racks/${rack.id}`, admin);

    const patched = await api(`/api/racks/${rack.id}`, {
      method: 'PATCH',
      token: admin,
      json: { security_zone: 'Top Secret' },
    });
    expect(patched.status, patched.text).toBe(200);
    // as the response arrives: the object knows the new zone and has closed the Confidential socket
    expect((await rackTelemetry(env, rack.id).latest()).meta?.zone).toBe('Top Secret');
    expect(await openClearances(rack.id)).toEqual(['Top Secret']);
    const revoked = await low.waitFor((m) => m.type === 'revoked');
    expect(revoked.rack_id).toBe(rack.id);
    await eventually(async () => low.closed !== null);
    expect(low.closed!.code).toBe(CLOSE_FORBIDDEN);

    // the next sample (device cache not cleared by hand) reaches the admin and nobody else
    expect(
      (await ingestJson(ingest, [{ server: servers[0].id, metric: 'cpu_pct', value: 4242, ts: Date.now() }])).status,
    ).toBe(200);
    await high.waitFor((m) => m.type === 'delta' && m.points.some((p: Row) => p.value === 4242));
    expect(hasValue(low, 4242)).toBe(false);
    high.ws.close(1000);
  });

  it('a server moved to a rack in a higher zone closes the sockets that followed it below that zone', async () => {
    const { dc, rack, servers } = await estate(admin, 1, { security_zone: 'Internal' });
    const secret = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Top Secret' });
    const server = servers[0];
    expect(
      (await ingestJson(ingest, [{ server: server.id, metric: 'power_w', value: 100, ts: Date.now() }])).status,
    ).toBe(200);
    const follower = await socket(`/api/live/racks/${rack.id}?server_id=${server.id}`, confidential);
    const watcher = await socket(`/api/live/racks/${rack.id}`, confidential);

    const moved = await api(`/api/servers/${server.id}`, {
      method: 'PATCH',
      token: admin,
      json: { rack_id: secret.id },
    });
    expect(moved.status, moved.text).toBe(200);
    await follower.waitFor((m) => m.type === 'revoked');
    await eventually(async () => follower.closed !== null);
    expect(follower.closed!.code).toBe(CLOSE_FORBIDDEN);
    // the rack it left is still the Confidential user's to watch
    expect(watcher.closed).toBeNull();

    // its next sample goes to its new rack's object, not to the old rack's subscribers
    expect(
      (await ingestJson(ingest, [{ server: server.id, metric: 'power_w', value: 777, ts: Date.now() }])).status,
    ).toBe(200);
    const latest = await rackTelemetry(env, secret.id).latest([server.id]);
    expect(latest.values.map((v) => v.value)).toEqual([777]);
    expect(hasValue(watcher, 777) || hasValue(follower, 777)).toBe(false);
    watcher.ws.close(1000);
  });
});
