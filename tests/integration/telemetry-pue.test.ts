// A site's PUE is the site's whatever the viewer's clearance: facility power over the IT power of ALL its racks,
// on the live datacenter view and the dashboard; what the viewer sees of the racks stays clearance-filtered.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  createRack,
  createServer,
  createUser,
  estate,
  eventually,
  ingestJson,
} from '../helpers';

let admin: string;
let ingest: string;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

describe('PUE for a viewer without full clearance', () => {
  it('is facility / IT power of all racks (1.36), not of the visible ones only (3.4)', async () => {
    const { dc, servers } = await estate(admin, 1, { security_zone: 'Internal' });
    const secretRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Confidential' });
    const secretServer = await createServer(admin, { rack_id: secretRack.id, u_position: 1 });
    const viewer = await createUser('viewer', admin); // Internal clearance
    const now = Date.now();
    // 4 kW visible, 6 kW Confidential, 13.6 kW at the facility meter: the site's PUE is 13.6 / 10
    const sent = await ingestJson(ingest, [
      { server: servers[0].id, metric: 'power_w', value: 4000, ts: now },
      { server: secretServer.id, metric: 'power_w', value: 6000, ts: now },
      { server: servers[0].id, metric: 'inlet_temp_c', value: 22, ts: now },
      { server: secretServer.id, metric: 'inlet_temp_c', value: 35, ts: now },
      { datacenter: dc.id, metric: 'facility_power_kw', value: 13.6, ts: now },
    ]);
    expect(sent.status, sent.text).toBe(200);

    // rack summaries reach the datacenter object a moment after the ingest
    const view = () => api(`/api/live/datacenters/${dc.id}/summary`, { token: viewer.token });
    await eventually(async () => (await view()).body.summary?.site_it_power_kw === 10);
    const seen = (await view()).body;
    expect(seen.summary).toMatchObject({ it_power_kw: 4, site_it_power_kw: 10, facility_power_kw: 13.6, pue: 1.36 });
    expect(seen.racks.map((r: { rack_id: number }) => r.rack_id)).not.toContain(secretRack.id);
    // the hottest racks are the visible ones (the 35 °C Confidential rack is left out)
    expect(seen.summary.hottest.map((r: { inlet_temp_c: number }) => r.inlet_temp_c)).toEqual([22]);

    const dash = await api('/api/dashboard/metrics', { token: viewer.token });
    expect(dash.status, dash.text).toBe(200);
    expect(dash.body).toMatchObject({ pue: 1.36, pue_source: 'metered' });
    expect(dash.body.live).toMatchObject({ pue: 1.36, it_power_kw: 4 });
  });
});
