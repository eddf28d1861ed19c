import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  expectProblem,
  login,
  uniqueName,
  withStepUp,
  type Row,
} from '../helpers';

// This file's estate:
//   admin      the default admin: no passkey, default password, Top Secret clearance
//   secadmin   a second admin with a passkey (and a step-up), cleared for Top Secret: creates the Top Secret rack
//   auditor    clearance Internal (the default)
//   DC-COMP    certified ISO 27001 only
//     R-INT    Internal rack: srv-old (warranty 2020-01-01, active), srv-new (warranty 2099)
//     TS-VAULT Top Secret rack: ts-old (warranty 2021-06-30, active)
//   token "forever" of the admin without expiry, token "short" with 30 days

let admin: string;
let secadmin: { id: number; username: string; token: string };
let auditor: string;
let tsRack: Row, srvOld: Row, tsOld: Row, dc: Row;

const control = (report: any, id: string) => {
  const c = report.controls.find((x: any) => x.id === id);
  expect(c, `control ${id} in ${report.framework}`).toBeDefined();
  return c;
};

beforeAll(async () => {
  admin = await adminToken();
  const sa = await createUser('admin', admin);
  const patched = await api(`/api/users/${sa.id}`, {
    method: 'PATCH',
    token: admin,
    json: { clearance: 'Top Secret' },
  });
  expect(patched.status, patched.text).toBe(200);
  const saToken = await login(sa.username, sa.password);
  await withStepUp(saToken);
  secadmin = { id: sa.id, username: sa.username, token: saToken };
  auditor = (await createUser('auditor', admin)).token;

  dc = await createDatacenter(admin, { name: uniqueName('DC-COMP'), certifications: ['ISO 27001'] });
  const rInt = await createRack(admin, { datacenter_id: dc.id, name: 'R-INT', security_zone: 'Internal' });
  tsRack = await createRack(saToken, { datacenter_id: dc.id, name: 'TS-VAULT', security_zone: 'Top Secret' });
  srvOld = await createServer(admin, {
    rack_id: rInt.id,
    u_position: 1,
    name: 'srv-old',
    warranty_expires: '2020-01-01',
  });
  await createServer(admin, { rack_id: rInt.id, u_position: 2, name: 'srv-new', warranty_expires: '2099-01-01' });
  tsOld = await createServer(saToken, {
    rack_id: tsRack.id,
    u_position: 1,
    name: 'ts-old',
    warranty_expires: '2021-06-30',
  });

  const t1 = await api('/api/tokens', { token: admin, json: { name: 'forever', scopes: ['read'] } });
  expect(t1.status, t1.text).toBe(201);
  const t2 = await api('/api/tokens', { token: admin, json: { name: 'short', scopes: ['read'], expires_in_days: 30 } });
  expect(t2.status, t2.text).toBe(201);
});

describe('GET /api/compliance', () => {
  it('lists the four frameworks with their counts', async () => {
    const res = await api('/api/compliance', { token: auditor });
    expect(res.status, res.text).toBe(200);
    expect(res.body.frameworks.map((f: any) => f.framework)).toEqual(['iso27001', 'soc2', 'pci-dss', 'hipaa']);
    for (const f of res.body.frameworks) {
      const s = f.summary;
      expect(s.pass + s.fail + s.warning + s.not_applicable).toBe(f.controls);
      expect(s.fail).toBeGreaterThan(0);
    }
  });

  it('is for admins and auditors only', async () => {
    const viewer = (await createUser('viewer', admin)).token;
    expectProblem(await api('/api/compliance/soc2', { token: viewer }), 403);
    expectProblem(await api('/api/compliance'), 401);
  });
});

describe('GET /api/compliance/{framework}', () => {
  it('fails the admin second-factor control, naming the admin without a passkey', async () => {
    const res = await api('/api/compliance/iso27001', { token: admin });
    expect(res.status, res.text).toBe(200);
    const r = res.body;
    expect(r).toMatchObject({ framework: 'iso27001', title: 'ISO/IEC 27001:2022' });
    expect(Date.parse(r.generated_at)).not.toBeNaN();
    const c = control(r, 'admin_mfa');
    expect(c).toMatchObject({ status: 'fail', reference: 'A.8.5, A.5.17' });
    const named = c.evidence.map((e: any) => e.label);
    expect(named).toContain('admin');
    expect(named).not.toContain(secadmin.username);
    expect(c.evidence.find((e: any) => e.label === 'admin')).toMatchObject({ type: 'user', id: expect.any(Number) });
    // the default admin's password is still the documented one: a warning in development
    expect(control(r, 'default_admin').status).toBe('warning');
    expect(control(r, 'password_policy').status).toBe('pass');
    expect(control(r, 'storage_encryption').status).toBe('not_applicable');
    const { pass, fail, warning, not_applicable } = r.summary;
    expect(pass + fail + warning + not_applicable).toBe(r.controls.length);
    expect(r.summary.score_pct).toBeCloseTo((pass / (pass + fail + warning)) * 100, 0);
  });

  it('warns about the API token without expiry, naming it', async () => {
    const c = control((await api('/api/compliance/pci-dss', { token: admin })).body, 'token_expiry');
    expect(c.status).toBe('warning');
    expect(c.reference).toBe('8.6.3');
    const labels = c.evidence.map((e: any) => e.label);
    expect(labels.some((l: string) => l.startsWith('forever '))).toBe(true);
    expect(labels.some((l: string) => l.startsWith('short '))).toBe(false);
  });

  it('lists servers past warranty, and datacenters without the certification', async () => {
    const r = (await api('/api/compliance/soc2', { token: admin })).body;
    const w = control(r, 'warranty');
    expect(['warning', 'fail']).toContain(w.status);
    expect(w.evidence.map((e: any) => e.id)).toEqual(expect.arrayContaining([srvOld.id, tsOld.id]));
    expect(w.evidence.map((e: any) => e.label)).not.toContain('srv-new');
    const cert = control(r, 'dc_certification');
    expect(cert.status).toBe('fail');
    expect(cert.evidence).toContainEqual(expect.objectContaining({ type: 'datacenter', id: dc.id }));
    expect(control((await api('/api/compliance/iso27001', { token: admin })).body, 'dc_certification').status).toBe(
      'pass',
    );
  });

  it('shows Top Secret racks and servers to a cleared caller only', async () => {
    const asAdmin = (await api('/api/compliance/hipaa', { token: admin })).body;
    const ts = control(asAdmin, 'top_secret_access');
    // the default admin is cleared for Top Secret without a second factor
    expect(ts.status).toBe('fail');
    expect(ts.evidence).toContainEqual(expect.objectContaining({ type: 'rack', id: tsRack.id, label: 'TS-VAULT' }));
    expect(ts.evidence.map((e: any) => e.label)).toEqual(expect.arrayContaining(['admin', secadmin.username]));

    const res = await api('/api/compliance/hipaa', { token: auditor });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain('TS-VAULT');
    expect(res.text).not.toContain('ts-old');
    const tsAud = control(res.body, 'top_secret_access');
    expect(tsAud.status).toBe('fail');
    expect(tsAud.evidence.filter((e: any) => e.type === 'rack')).toEqual([]);
    expect(control(res.body, 'warranty').evidence.map((e: any) => e.id)).toContain(srvOld.id);
  });

  it('exports CSV with a header and one row per control', async () => {
    const json = (await api('/api/compliance/iso27001', { token: auditor })).body;
    const res = await api('/api/compliance/iso27001?format=csv', { token: auditor });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /attachment; filename="compliance-iso27001-\d{4}-\d\d-\d\d\.csv"/,
    );
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('"control reference","check","status","summary","evidence count","evidence"');
    expect(lines).toHaveLength(1 + json.controls.length);
    const mfa = lines.find((l) => l.startsWith('"A.8.5, A.5.17","Administrators use a second factor"'));
    expect(mfa).toMatch(/^"A\.8\.5, A\.5\.17","Administrators use a second factor","fail","[^"]+","\d+","user admin: /);
    expect(res.text).not.toContain('TS-VAULT');
    expectProblem(await api('/api/compliance/iso27001?format=xml', { token: auditor }), 422, ['query.format']);
  });

  it('answers 404 naming the valid frameworks for an unknown one', async () => {
    const p = expectProblem(await api('/api/compliance/gdpr', { token: admin }), 404);
    expect(p.detail).toContain('gdpr');
    for (const f of ['iso27001', 'soc2', 'pci-dss', 'hipaa']) expect(p.detail).toContain(f);
  });

  // last: the tampering stays in this file's database
  it('passes the audit chain control while the trail is intact, fails it once a row is altered', async () => {
    const before = control((await api('/api/compliance/soc2', { token: auditor })).body, 'audit_chain');
    expect(before).toMatchObject({ status: 'pass', reference: 'CC7.2' });

    const target = await env.DB.prepare(
      "SELECT id FROM audit_log WHERE entity_type = 'server' AND hash IS NOT NULL ORDER BY id LIMIT 1",
    ).first<{ id: number }>();
    expect(target).not.toBeNull();
    await env.DB.prepare("UPDATE audit_log SET actor = 'nobody' WHERE id = ?").bind(target!.id).run();

    const after = control((await api('/api/compliance/soc2', { token: auditor })).body, 'audit_chain');
    expect(after.status).toBe('fail');
    expect(after.summary).toContain(`#${target!.id}`);
    expect(after.evidence[0]).toMatchObject({ type: 'audit_entry', id: target!.id });
    const overview = (await api('/api/compliance', { token: auditor })).body;
    expect(overview.frameworks.every((f: any) => f.summary.fail >= 1)).toBe(true);
  });
});
