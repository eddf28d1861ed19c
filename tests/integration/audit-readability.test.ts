// The audit trail reads like the inventory: entries carry the entity's name (kept after it is deleted), and an
// update's before/after use the same types, so a field that did not change does not show up as changed.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, auditRows, createServer, createUser } from '../helpers';

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

/** Keys whose value differs between before and after, the way the UI compares them. */
const changedKeys = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));

describe('entity names in the audit trail', () => {
  it('a server keeps its name in its create, update and delete entries, also after it is gone', async () => {
    const server = await createServer(admin);
    expect(
      (await api(`/api/servers/${server.id}`, { method: 'PATCH', token: admin, json: { os: 'Debian 13' } })).status,
    ).toBe(200);
    expect((await api(`/api/servers/${server.id}`, { method: 'DELETE', token: admin })).status).toBe(204);

    const listed = await api(`/api/audit/logs?entity_type=server&entity_id=${server.id}&sort=id`, { token: admin });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.map((e: { action: string; entity_name: string }) => [e.action, e.entity_name])).toEqual([
      ['create', server.name],
      ['update', server.name],
      ['delete', server.name],
    ]);
    // searchable by name
    const found = await api(`/api/audit/logs?q=${encodeURIComponent(server.name)}`, { token: admin });
    expect(found.body.map((e: { entity_id: string }) => e.entity_id)).toContain(String(server.id));
  });

  it('user events are labelled with the username', async () => {
    const u = await createUser('viewer', admin);
    const setup = await api('/api/mfa/totp/setup', { token: u.token, method: 'POST' });
    expect(setup.status, setup.text).toBe(200);
    const [started] = await auditRows("action = 'totp_setup_started' AND entity_id = ?", String(u.id));
    expect(started.entity_name).toBe(u.username);
    const logins = await auditRows("action = 'login' AND actor = ?", u.username);
    expect(logins.map((l) => l.entity_name)).toContain(u.username);
  });
});

describe('before/after with consistent types', () => {
  it('changing a user clearance records only clearance (and updated_at), booleans stay booleans', async () => {
    const u = await createUser('viewer', admin);
    const res = await api(`/api/users/${u.id}`, { method: 'PATCH', token: admin, json: { clearance: 'Confidential' } });
    expect(res.status, res.text).toBe(200);
    const [entry] = await auditRows("action = 'update' AND entity_type = 'user' AND entity_id = ?", String(u.id));
    expect(entry.before.disabled).toBe(false);
    expect(entry.after.disabled).toBe(false);
    expect(entry.after.must_change_password).toBe(false);
    expect(changedKeys(entry.before, entry.after).sort()).toEqual(['clearance', 'updated_at']);
    expect(entry.entity_name).toBe(u.username);
  });

  it('a datacenter update: JSON and real columns compare equal when untouched', async () => {
    const dc = await api('/api/datacenters', {
      token: admin,
      json: { name: `DC-types-${crypto.randomUUID().slice(0, 8)}`, certifications: ['ISO 27001'], pue_target: 1.3 },
    });
    expect(dc.status, dc.text).toBe(201);
    await api(`/api/datacenters/${dc.body.id}`, { method: 'PATCH', token: admin, json: { location: 'Elsewhere' } });
    const [entry] = await auditRows(
      "action = 'update' AND entity_type = 'datacenter' AND entity_id = ?",
      String(dc.body.id),
    );
    expect(changedKeys(entry.before, entry.after).sort()).toEqual(['location', 'updated_at']);
  });
});
