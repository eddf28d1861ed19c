// Live WebSockets through the Worker: snapshot on connect, a delta after ingest, clearance at the upgrade and
// after a zone change, the datacenter view, and the upgrade refused without a session.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  createUser,
  estate,
  ingestJson,
  openSocket,
  type LiveSocket,
  type Row,
} from '../helpers';
import { forgetDevices } from '../../worker/telemetry/resolve';

let admin: string;
let ingest: string;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

const asSocket = (s: Awaited<ReturnType<typeof openSocket>>): LiveSocket => {
  if (!('ws' in s)) throw new Error(`upgrade refused: ${s.status} ${JSON.stringify(s.body)}`);
  return s;
};

describe('GET /api/live/racks/{id}', () => {
  it('sends a snapshot, then the samples ingested after it', async () => {
    const { rack, servers } = await estate(admin, 2);
    const t0 = Date.now() - 1000;
    await ingestJson(ingest, [{ server: servers[0].id, metric: 'power_w', value: 250, ts: t0 }]);
    const sock = asSocket(await openSocket(`/api/live/racks/${rack.id}`, admin));
    const snap = await sock.waitFor((m) => m.type === 'snapshot');
    expect(snap.rack_id).toBe(rack.id);
    expect(snap.series).toContainEqual(
      expect.objectContaining({ server_id: servers[0].id, metric: 'power_w', value: 250, ts: t0 }),
    );
    // The hour window, not the minute: a minute boundary may pass between the ingest and the snapshot.
    expect(snap.series[0].windows['1h']).toMatchObject({ count: 1, min: 250, max: 250 });
    expect(snap.summary).toMatchObject({ rack_id: rack.id, power_kw: 0.25, power_source: 'servers' });

    const t1 = Date.now();
    await ingestJson(ingest, [{ server: servers[1].id, metric: 'inlet_temp_c', value: 24.5, ts: t1 }]);
    const delta = await sock.waitFor(
      (m) => m.type === 'delta' && m.points.some((p: Row) => p.metric === 'inlet_temp_c'),
    );
    expect(delta.points).toContainEqual(
      expect.objectContaining({ server_id: servers[1].id, metric: 'inlet_temp_c', value: 24.5, ts: t1 }),
    );
    expect(delta.summary.inlet_temp_c).toBe(24.5);
    sock.ws.close(1000);
  });

  it('limits a socket to one server with ?server_id', async () => {
    const { rack, servers } = await estate(admin, 2);
    const sock = asSocket(await openSocket(`/api/live/racks/${rack.id}?server_id=${servers[1].id}`, admin));
    await sock.waitFor((m) => m.type === 'snapshot');
    await ingestJson(ingest, [
      { server: servers[0].id, metric: 'cpu_pct', value: 1, ts: Date.now() },
      { server: servers[1].id, metric: 'cpu_pct', value: 2, ts: Date.now() },
    ]);
    const delta = await sock.waitFor((m) => m.type === 'delta');
    expect(delta.points.map((p: Row) => p.server_id)).toEqual([servers[1].id]);
    sock.ws.close(1000);
  });

  it('refuses the upgrade without a session (401), above the clearance (404), and plain GETs (426)', async () => {
    const { rack } = await estate(admin, 1, { security_zone: 'Confidential' });
    expect(((await openSocket(`/api/live/racks/${rack.id}`, 'not-a-token')) as { status: number }).status).toBe(401);
    const viewer = await createUser('viewer', admin); // Internal clearance
    expect(((await openSocket(`/api/live/racks/${rack.id}`, viewer.token)) as { status: number }).status).toBe(404);
    const plain = await api(`/api/live/racks/${rack.id}`, { token: admin });
    expect(plain.status).toBe(426);
  });

  it('closes a subscriber whose clearance no longer covers the rack after its zone was raised', async () => {
    const { rack, servers } = await estate(admin, 1, { security_zone: 'Internal' });
    const viewer = await createUser('viewer', admin);
    const sock = asSocket(await openSocket(`/api/live/racks/${rack.id}`, viewer.token));
    await sock.waitFor((m) => m.type === 'snapshot');
    const patched = await api(`/api/racks/${rack.id}`, {
      method: 'PATCH',
      token: admin,
      json: { security_zone: 'Confidential' },
    });
    expect(patched.status, patched.text).toBe(200);
    forgetDevices();
    await ingestJson(ingest, [{ server: servers[0].id, metric: 'cpu_pct', value: 99, ts: Date.now() }]);
    await sock.waitFor((m) => m.type === 'revoked');
    expect(sock.messages.some((m) => m.type === 'delta' && m.points.some((p: Row) => p.value === 99))).toBe(false);
  });
});

describe('GET /api/live/datacenters/{id}', () => {
  it("streams the datacenter's summary, with only the racks the subscriber is cleared for", async () => {
    const { dc, rack, servers } = await estate(admin, 1, { security_zone: 'Internal' });
    const secret = await estate(admin, 1, { security_zone: 'Confidential', datacenter_id: dc.id });
    void secret.dc;
    const viewer = await createUser('viewer', admin);
    const sock = asSocket(await openSocket(`/api/live/datacenters/${dc.id}`, viewer.token));
    const snap = await sock.waitFor((m) => m.type === 'dc_snapshot');
    expect(snap.datacenter_id).toBe(dc.id);
    await ingestJson(ingest, [
      { server: servers[0].id, metric: 'power_w', value: 400, ts: Date.now() },
      { server: secret.servers[0].id, metric: 'power_w', value: 9000, ts: Date.now() },
    ]);
    const delta = await sock.waitFor((m) => m.type === 'dc_delta' && m.summary.racks_reporting > 0, { ms: 5000 });
    expect(delta.racks.map((r: Row) => r.rack_id)).not.toContain(secret.rack.id);
    // the viewer's totals leave the Confidential rack out
    const last = await sock.waitFor((m) => m.type === 'dc_delta' && m.summary.it_power_kw === 0.4, { ms: 5000 });
    expect(last.summary.it_power_kw).toBe(0.4);
    const adminView = await api(`/api/live/datacenters/${dc.id}/summary`, { token: admin });
    expect(adminView.body.summary.it_power_kw).toBe(9.4);
    expect(adminView.body.racks.map((r: Row) => r.rack_id).sort()).toEqual([rack.id, secret.rack.id].sort());
    sock.ws.close(1000);
  });
});
