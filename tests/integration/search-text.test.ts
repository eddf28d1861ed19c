import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { serversResource } from '../../worker/dcim/servers';
import { adminToken, api, auditRows, createServer, uniqueName, type Row } from '../helpers';

// `?q=` on servers tests the stored `search_text` column, which the triggers of migrations/0010 keep. The
// triggers spell out the searchable fields by hand, so these tests check them against the resource's list.

let admin: string;
const storedText = async (id: number) =>
  (await env.DB.prepare('SELECT search_text FROM servers WHERE id = ?').bind(id).first<{ search_text: string }>())!
    .search_text;

/** A distinct, mixed-case value for each searchable field (IPs must look like IPs). */
function fieldValues(tag: string): Row {
  const out: Row = {};
  for (const f of serversResource.searchable) {
    if (f === 'ip_address') out[f] = `10.71.${tag.length}.${(tag.charCodeAt(0) % 200) + 1}`;
    else if (f === 'management_ip') out[f] = `10.72.${tag.length}.${(tag.charCodeAt(0) % 200) + 1}`;
    else out[f] = `${f.toUpperCase()}-${tag}`;
  }
  return out;
}

beforeAll(async () => {
  admin = await adminToken();
});

describe('search_text', () => {
  it('holds every searchable field of the resource, lower-cased, in order, on insert and on update', async () => {
    const values: Row = { ...fieldValues(uniqueName('A')), serial_number: uniqueName('SN-Mixed') };
    const s = await createServer(admin, { ...values });
    const expected = (v: Row) => serversResource.searchable.map((f) => String(v[f] ?? '').toLowerCase()).join('\u001f');
    expect(await storedText(s.id)).toBe(expected(values));

    for (const field of serversResource.searchable) {
      const next = field.endsWith('ip_address') || field === 'management_ip' ? '10.99.1.7' : uniqueName(`New-${field}`);
      const res = await api(`/api/servers/${s.id}`, { method: 'PATCH', token: admin, json: { [field]: next } });
      expect(res.status, res.text).toBe(200);
      values[field] = next;
      expect(await storedText(s.id), field).toBe(expected(values));
    }
  });

  it('finds by any field, case-insensitively, and forgets the old value after an edit', async () => {
    const s = await createServer(admin, { model: 'Zeta-Quux 9000' });
    const found = async (q: string) =>
      (await api(`/api/servers?q=${encodeURIComponent(q)}`, { token: admin })).body.map((r: Row) => r.id);
    expect(await found('zeta-QUUX')).toEqual([s.id]);
    await api(`/api/servers/${s.id}`, { method: 'PATCH', token: admin, json: { model: 'Omega 1' } });
    expect(await found('zeta-quux')).toEqual([]);
    expect(await found('OMEGA 1')).toContain(s.id);
  });

  it('never matches across two fields', async () => {
    const s = await createServer(admin);
    const across = `${s.name}\u001f${s.serial_number}`;
    expect((await api(`/api/servers?q=${encodeURIComponent(across)}`, { token: admin })).body).toEqual([]);
    const tail = `${s.name.slice(-3)}\u001f${s.serial_number.slice(0, 3)}`;
    expect((await api(`/api/servers?q=${encodeURIComponent(tail)}`, { token: admin })).body).toEqual([]);
  });

  it('stays out of API output, CSV exports and the audit trail', async () => {
    const s = await createServer(admin);
    expect((await api(`/api/servers/${s.id}`, { token: admin })).body).not.toHaveProperty('search_text');
    const listed = await api(`/api/servers?q=${encodeURIComponent(s.name)}`, { token: admin });
    expect(listed.body[0]).not.toHaveProperty('search_text');
    expect(listed.body[0]).toHaveProperty('rack_name');
    const csv = await api(`/api/servers?q=${encodeURIComponent(s.name)}&format=csv`, { token: admin });
    expect(csv.text.split('\n')[0]).not.toContain('search_text');
    await api(`/api/servers/${s.id}`, { method: 'PATCH', token: admin, json: { model: 'Audited' } });
    const entries = await auditRows("entity_type = 'server' AND entity_id = ?", String(s.id));
    expect(entries.length).toBeGreaterThanOrEqual(2);
    for (const e of entries) expect(JSON.stringify([e.before, e.after])).not.toContain('search_text');
  });
});
