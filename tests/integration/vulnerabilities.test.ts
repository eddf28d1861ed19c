import { beforeAll, describe, expect, it } from 'vitest';
import kev from '../fixtures/vulns/kev.json';
import osvVendor from '../fixtures/vulns/osv-vendor.json';
import debRecord from '../fixtures/vulns/osv-debian-cve-2024-6387.json';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  expectProblem,
  uniqueName,
  withStepUp,
  type Row,
} from '../helpers';

// The vulnerability domain through the real API: the KEV catalogue and OSV records uploaded as an air-gapped site
// would, a scan of the inventory, findings with their explanation, clearance, risk per rack, configuration scanning
// and the compliance check that fails while a known-exploited finding is past its due date.
//
// The inventory: ESXi 8.0 U2 (in DCP-2024-37085's range >=7.0.0 <8.0.3, CVE-2024-37085, known exploited, due
// 2024-08-20: overdue) on a server in an Internal rack and on one in a Top Secret rack; ESXi 8.0 U3 (= 8.0.3, the
// fixed version: not affected) beside them.

let admin: string;
let viewer: string;
let dc: Row;
let rack: Row;
let tsRack: Row;
let publicRack: Row;
let vulnerable: Row;
let patched: Row;
let secret: Row;
let outOfSupport: Row;

const ESXI_CVE = 'CVE-2024-37085';
const ESXI_DUE = kev.vulnerabilities.find((k) => k.cveID === ESXI_CVE)!.dueDate;

const upload = (doc: unknown, token = admin) => api('/api/vulnerabilities/catalogue/import', { token, json: doc });
const findingsOf = async (server: Row, token = admin): Promise<Row[]> => {
  const res = await api(`/api/vulnerabilities/findings?asset_kind=server&asset_id=${server.id}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body;
};

beforeAll(async () => {
  admin = await adminToken();
  // creating and reading Top Secret objects asks for a passkey step-up
  await withStepUp(admin);
  viewer = (await createUser('viewer', admin)).token;
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id });
  tsRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Top Secret' });
  publicRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Public' });
  const esxi = (os_version: string) => ({
    manufacturer: 'Dell',
    model: 'PowerEdge R760',
    os: 'VMware ESXi',
    os_version,
    firmware_version: '7.10.50.00',
  });
  vulnerable = await createServer(admin, { rack_id: rack.id, u_position: 1, ...esxi('8.0 U2') });
  patched = await createServer(admin, { rack_id: rack.id, u_position: 3, ...esxi('8.0 U3') });
  secret = await createServer(admin, { rack_id: tsRack.id, u_position: 1, ...esxi('8.0 U2') });
  outOfSupport = await createServer(admin, {
    rack_id: publicRack.id,
    u_position: 1,
    name: uniqueName('old-mgmt'),
    management_ip: '192.168.40.10',
    warranty_expires: '2021-06-30',
  });
  // rack power from side A only: not redundant
  const feed = await api('/api/power/feeds', {
    token: admin,
    json: { name: uniqueName('FEED-A'), datacenter_id: dc.id, side: 'A' },
  });
  expect(feed.status, feed.text).toBe(201);
  const pdu = await api('/api/power/pdus', {
    token: admin,
    json: { name: uniqueName('PDU-A'), rack_id: rack.id, feed_id: feed.body.id, capacity_kw: 7.4 },
  });
  expect(pdu.status, pdu.text).toBe(201);
});

describe('catalogue import', () => {
  it('refuses a viewer (403) and names the bad field of a malformed KEV document (422)', async () => {
    expectProblem(await upload(kev, viewer), 403);

    const bad = structuredClone(kev) as Row;
    bad.vulnerabilities[1].dueDate = 'next week';
    const p = expectProblem(await upload(bad), 422, ['vulnerabilities[1].dueDate']);
    expect(p.errors!.find((e) => e.field === 'vulnerabilities[1].dueDate')!.message).toMatch(/date/);

    const missing = structuredClone(kev) as Row;
    delete missing.vulnerabilities[0].cveID;
    expectProblem(await upload(missing), 422, ['vulnerabilities[0].cveID']);

    expectProblem(await upload({ hello: 'world' }), 422, ['(body)']);
    // nothing of the refused documents reached the catalogue
    const cat = await api(`/api/vulnerabilities/catalogue?vuln_id=${ESXI_CVE}`, { token: admin });
    expect(cat.body).toEqual([]);
  });

  it('imports KEV, then OSV records that complete its entries with versions, and rescans', async () => {
    const k = await upload(kev);
    expect(k.status, k.text).toBe(200);
    expect(k.body).toMatchObject({ format: 'kev', received: kev.vulnerabilities.length, added: 8, updated: 0 });
    // KEV names products but no versions: nothing matches yet
    expect(await findingsOf(vulnerable)).toEqual([]);

    const o = await upload(osvVendor);
    expect(o.status, o.text).toBe(200);
    expect(o.body).toMatchObject({ format: 'osv', received: osvVendor.length, added: 0, updated: osvVendor.length });
    expect(o.body.scan.open).toBeGreaterThanOrEqual(2);

    const d = await upload(debRecord);
    expect(d.status, d.text).toBe(200);
    expect(d.body).toMatchObject({ format: 'osv', received: 1, added: 1 });
    // the same document again changes nothing
    expect((await upload(debRecord)).body).toMatchObject({ added: 0, updated: 0, unchanged: 1 });

    const entry = (await api(`/api/vulnerabilities/catalogue?vuln_id=${ESXI_CVE}`, { token: admin })).body[0];
    expect(entry).toMatchObject({
      known_exploited: true,
      due_date: ESXI_DUE,
      sources: ['kev', 'osv:DCP-2024-37085'],
    });
    expect(entry.affected[0].package).toEqual({ ecosystem: 'VMware', name: 'ESXi' });
  });
});

describe('scan and findings', () => {
  it('matches a version inside the OSV range and explains the finding', async () => {
    // as the UI sends it: an empty JSON object
    const scan = await api('/api/vulnerabilities/scan', { token: admin, json: {} });
    expect(scan.status, scan.text).toBe(200);
    expect(scan.body.scanned_assets).toBeGreaterThanOrEqual(4);
    expect(scan.body.new).toBe(0); // the import already rescanned

    const [f, ...rest] = await findingsOf(vulnerable);
    expect(rest).toEqual([]);
    const entry = (await api(`/api/vulnerabilities/catalogue?vuln_id=${ESXI_CVE}`, { token: admin })).body[0];
    expect(f).toMatchObject({
      vuln_id: ESXI_CVE,
      asset_kind: 'server',
      asset_id: vulnerable.id,
      asset_name: vulnerable.name,
      component: 'os',
      installed_version: '8.0 U2',
      fixed_version: '8.0.3',
      severity: entry.severity,
      known_exploited: true,
      due_date: ESXI_DUE,
      overdue: true,
      status: 'open',
      link: `/servers/${vulnerable.id}`,
      rack_id: rack.id,
      datacenter_id: dc.id,
    });
    expect(['critical', 'high', 'medium']).toContain(f.severity);
    expect(f.explanation).toContain('>=7.0.0 <8.0.3');
    expect(f.explanation).toContain(`due ${ESXI_DUE}, overdue`);
    expect(f.explanation).toContain(vulnerable.name);

    const one = await api(`/api/vulnerabilities/findings/${f.id}`, { token: admin });
    expect(one.status, one.text).toBe(200);
    expect(one.body.explanation).toBe(f.explanation);

    const overdue = (await api('/api/vulnerabilities/findings?overdue=true&known_exploited=true', { token: admin }))
      .body as Row[];
    expect(overdue.map((x) => x.asset_id)).toEqual(expect.arrayContaining([vulnerable.id, secret.id]));
  });

  it('lists as the page asks: search, filters, severity sort and the CSV export', async () => {
    const q = (query: string) => api(`/api/vulnerabilities/findings?${query}`, { token: admin });
    const byName = await q(`search=${encodeURIComponent(vulnerable.name.toLowerCase())}`);
    expect(byName.status, byName.text).toBe(200);
    expect((byName.body as Row[]).map((f) => f.asset_id)).toEqual([vulnerable.id]);
    const byCve = (await q(`search=${ESXI_CVE.toLowerCase()}&rack_id=${rack.id}`)).body as Row[];
    expect(byCve.map((f) => f.asset_id)).toEqual([vulnerable.id]);
    const inDc = (await q(`datacenter_id=${dc.id}&status=open&severity=high&sort=-severity_rank,due_date`))
      .body as Row[];
    expect(inDc.map((f) => f.asset_id).sort()).toEqual([vulnerable.id, secret.id].sort());
    const csv = await q(`datacenter_id=${dc.id}&format=csv`);
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toContain(ESXI_CVE);
  });

  it('gives nothing for the fixed version (8.0 U3 = 8.0.3 is outside >=7.0.0 <8.0.3)', async () => {
    expect(await findingsOf(patched)).toEqual([]);
  });

  it('hides findings of a server in a Top Secret rack from a viewer without clearance', async () => {
    const mine = await findingsOf(secret);
    expect(mine.map((f) => f.vuln_id)).toEqual([ESXI_CVE]);
    expect(await findingsOf(secret, viewer)).toEqual([]);
    expectProblem(await api(`/api/vulnerabilities/findings/${mine[0].id}`, { token: viewer }), 404);
    const all = (await api('/api/vulnerabilities/findings?limit=500', { token: viewer })).body as Row[];
    expect(all.some((f) => f.asset_id === secret.id && f.asset_kind === 'server')).toBe(false);
    expect(all.some((f) => f.asset_id === vulnerable.id && f.asset_kind === 'server')).toBe(true);
    // nor in the risk report or the catalogue's counts
    const risk = (await api('/api/vulnerabilities/risk', { token: viewer })).body;
    expect(risk.racks.map((r: Row) => r.id)).not.toContain(tsRack.id);
    const entry = (await api(`/api/vulnerabilities/catalogue?vuln_id=${ESXI_CVE}`, { token: viewer })).body[0];
    const entryAdmin = (await api(`/api/vulnerabilities/catalogue?vuln_id=${ESXI_CVE}`, { token: admin })).body[0];
    expect([entryAdmin.finding_count, entry.finding_count]).toEqual([2, 1]);
  });

  it('scores risk per rack and datacenter', async () => {
    const res = await api('/api/vulnerabilities/risk', { token: admin });
    expect(res.status, res.text).toBe(200);
    const f = (await findingsOf(vulnerable))[0];
    const weight = { critical: 10, high: 5, medium: 2, low: 1 }[f.severity as string]!;
    const expected = Math.round(weight * 2 * 1.5 * 10) / 10; // known exploited, past due
    const r = res.body.racks.find((x: Row) => x.id === rack.id);
    expect(r).toMatchObject({
      name: rack.name,
      datacenter_id: dc.id,
      datacenter_name: dc.name,
      open: 1,
      known_exploited: 1,
      overdue_kev: 1,
      score: expected,
    });
    expect(r.by_severity).toEqual({ [f.severity]: 1 });
    expect(res.body.racks.find((x: Row) => x.id === tsRack.id)).toMatchObject({ open: 1, score: expected });
    expect(res.body.racks.find((x: Row) => x.id === publicRack.id)).toBeUndefined();
    expect(res.body.datacenters.find((x: Row) => x.id === dc.id)).toMatchObject({ open: 2, score: 2 * expected });
    expect(res.body.method).toMatch(/KEV/);
  });

  it('accepts a risk with a reason, reopens it, and refuses accepting without one', async () => {
    const f = (await findingsOf(vulnerable))[0];
    const path = `/api/vulnerabilities/findings/${f.id}`;
    expectProblem(await api(path, { method: 'PATCH', token: admin, json: { status: 'accepted' } }), 422, ['reason']);
    expectProblem(await api(path, { method: 'PATCH', token: viewer, json: { status: 'open' } }), 403);
    const acc = await api(path, {
      method: 'PATCH',
      token: admin,
      json: { status: 'accepted', reason: 'isolated lab host' },
    });
    expect(acc.status, acc.text).toBe(200);
    expect(acc.body).toMatchObject({ id: f.id, status: 'accepted', overdue: false });
    // an accepted finding counts nothing and stays accepted across a rescan
    await api('/api/vulnerabilities/scan', { method: 'POST', token: admin });
    expect((await findingsOf(vulnerable))[0].status).toBe('accepted');
    const r = (await api('/api/vulnerabilities/risk', { token: admin })).body.racks.find((x: Row) => x.id === rack.id);
    expect(r).toBeUndefined();
    const back = await api(path, { method: 'PATCH', token: admin, json: { status: 'open' } });
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({ status: 'open', overdue: true });
    expectProblem(
      await api('/api/vulnerabilities/findings/99999999', { method: 'PATCH', token: admin, json: { status: 'open' } }),
      404,
    );
  });
});

describe('configuration scanning', () => {
  it('flags a rack without redundant power, equipment out of support and management in a public zone', async () => {
    const res = await api('/api/vulnerabilities/config', { token: admin });
    expect(res.status, res.text).toBe(200);
    const find = (rule: string, kind: string, id: number) =>
      (res.body.findings as Row[]).find((f) => f.rule === rule && f.asset_kind === kind && f.asset_id === id);

    const power = find('power_not_redundant', 'rack', rack.id);
    expect(power).toMatchObject({ severity: 'medium', link: `/racks/${rack.id}`, datacenter_id: dc.id });
    expect(power!.explanation).toMatch(/no redundant power/);
    expect(power!.explanation).toMatch(/side A/);

    const old = find('out_of_support', 'server', outOfSupport.id);
    expect(old).toMatchObject({ link: `/servers/${outOfSupport.id}`, rack_id: publicRack.id });
    expect(old!.explanation).toContain('2021-06-30');

    const mgmt = find('mgmt_public_zone', 'server', outOfSupport.id);
    expect(mgmt).toMatchObject({ severity: 'high' });
    expect(mgmt!.explanation).toContain('192.168.40.10');
    // a private address is not "publicly routable"
    expect(find('mgmt_public_ip', 'server', outOfSupport.id)).toBeUndefined();
    expect(res.body.notes.length).toBeGreaterThan(0);
  });
});

describe('compliance', () => {
  it('fails the KEV check while a known-exploited finding is past due, and passes once it is fixed', async () => {
    const report = async () => {
      const res = await api('/api/compliance/iso27001', { token: admin });
      expect(res.status, res.text).toBe(200);
      return (res.body.controls as Row[]).find((c) => c.id === 'vulnerabilities_kev')!;
    };
    const failing = await report();
    expect(failing.status).toBe('fail');
    expect(failing.evidence.map((e: Row) => e.id)).toEqual(expect.arrayContaining([vulnerable.id, secret.id]));
    const ev = failing.evidence.find((e: Row) => e.id === vulnerable.id);
    expect(ev).toMatchObject({ type: 'server', label: vulnerable.name });
    expect(ev.detail).toContain(ESXI_CVE);
    expect(ev.detail).toContain(`overdue since ${ESXI_DUE}`);

    // upgrade both hosts: the rescan marks their findings fixed and the check passes
    for (const s of [vulnerable, secret]) {
      const up = await api(`/api/servers/${s.id}`, { method: 'PATCH', token: admin, json: { os_version: '8.0 U3' } });
      expect(up.status, up.text).toBe(200);
    }
    const scan = await api('/api/vulnerabilities/scan', { method: 'POST', token: admin });
    expect(scan.body.fixed).toBeGreaterThanOrEqual(2);
    const fixed = (await findingsOf(vulnerable))[0];
    expect(fixed).toMatchObject({ status: 'fixed', overdue: false });
    expect(fixed.resolved_at).toBeTruthy();
    const passing = await report();
    expect(passing.evidence.map((e: Row) => e.id)).not.toContain(vulnerable.id);
    expect(['pass', 'warning']).toContain(passing.status);
    // a fixed finding is the scanner's
    expectProblem(
      await api(`/api/vulnerabilities/findings/${fixed.id}`, {
        method: 'PATCH',
        token: admin,
        json: { status: 'accepted', reason: 'x' },
      }),
      409,
    );
  });
});
