// Benchmark: "import 10k devices in under a minute". A synthetic NetBox REST export made by replicating NetBox's
// demo data (../shared/data/netbox: 24 sites, 42 racks, 72 devices, 1,586 interfaces, 108 cables) with fresh ids and
// names up to BENCH_DEVICES devices, POSTed to /api/imports/netbox as a dry run, an import and a re-import (which
// must update, not duplicate). The baseline, measured in the same run on the same server: the same number of
// devices as servers through the plain CSV import (POST /api/servers/import, 5,000 rows a call), and a sample
// created one by one through POST /api/servers. Figures, not a pass/fail test; one line per figure.
//
//   node bench/netbox-import.mjs
//   BENCH_DEVICES=2000 BENCH_SAMPLE=100 node bench/netbox-import.mjs
//
// The export holds the fields the NetBox REST API returns with nested objects in their brief form (as
// `?fields=`/`?brief=` would give, and as an exporter keeps them to stay within the 64 MB cap of the route); the
// full objects of the demo weigh ~51 kB per device, so a full 10k-device export would be ~0.5 GB (printed below).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { adminToken, startDevServer } from '../scripts/lib/dev-server.mjs';

const TARGET = Number(process.env.BENCH_DEVICES ?? 10_000);
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 200);
const PORT = Number(process.env.BENCH_PORT ?? 8797);
const CSV_MAX_ROWS = 5000;
const STRIDE = 1_000_000; // id offset between copies: NetBox ids of the demo stay far below it
const DATA = new URL('../../shared/data/netbox/', import.meta.url);

const read = (name) => JSON.parse(readFileSync(new URL(`${name}.json`, DATA), 'utf8'));
const src = {
  sites: read('sites'),
  racks: read('racks'),
  manufacturers: read('manufacturers'),
  'device-types': read('device-types'),
  'device-roles': read('device-roles'),
  devices: read('devices'),
  'power-panels': read('power-panels'),
  'power-feeds': read('power-feeds'),
  interfaces: read('interfaces'),
  cables: read('cables'),
};

// ---------------------------------------------------------------------------------------------------------------
// the export

const pick = (o, keys) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
/** A nested object in NetBox's brief form, its id shifted into copy `k` and its name suffixed. */
const brief = (o, off, suffix) =>
  o && typeof o === 'object'
    ? {
        ...pick(o, ['id', 'url', 'display', 'name', 'slug', 'model']),
        id: o.id + off,
        ...(o.name != null && suffix ? { name: `${o.name}${suffix}`, display: `${o.name}${suffix}` } : {}),
      }
    : o;
const keep = (o) =>
  o && typeof o === 'object' ? pick(o, ['id', 'url', 'display', 'name', 'slug', 'model', 'value', 'label']) : o;
const tag = (k) => `-${String(k + 1).padStart(3, '0')}`;

/** Copy `k` of the demo: every id + k·STRIDE, every site, device and serial name suffixed; `limit` devices at most. */
function copy(k, limit) {
  const off = k * STRIDE;
  const sfx = tag(k);
  const devices = src.devices.slice(0, limit);
  const deviceIds = new Set(devices.map((d) => d.id));
  const interfaces = src.interfaces.filter((i) => deviceIds.has(i.device?.id));
  const interfaceIds = new Set(interfaces.map((i) => i.id));
  const siteSfx = (o) => brief(o, off, sfx);
  const out = {
    sites: src.sites.map((s) => ({
      ...pick(s, ['id', 'url', 'display', 'name', 'slug', 'status', 'region', 'facility', 'physical_address']),
      ...pick(s, ['description', 'time_zone', 'custom_fields']),
      id: s.id + off,
      name: `${s.name}${sfx}`,
      display: `${s.name}${sfx}`,
      slug: `${s.slug}${sfx}`,
      status: keep(s.status),
      region: keep(s.region),
    })),
    racks: src.racks.map((r) => ({
      ...pick(r, ['id', 'url', 'display', 'name', 'facility_id', 'status', 'role', 'u_height', 'starting_unit']),
      ...pick(r, ['width', 'desc_units', 'description', 'custom_fields']),
      id: r.id + off,
      site: siteSfx(r.site),
      location: keep(r.location),
      status: keep(r.status),
      role: keep(r.role),
      facility_id: r.facility_id ? `${r.facility_id}${sfx}` : r.facility_id,
    })),
    devices: devices.map((d) => ({
      ...pick(d, ['id', 'url', 'display', 'name', 'serial', 'asset_tag', 'position', 'face', 'status', 'airflow']),
      ...pick(d, ['description', 'custom_fields', 'power_port_count', 'power_outlet_count', 'interface_count']),
      id: d.id + off,
      name: d.name ? `${d.name}${sfx}` : d.name,
      display: d.name ? `${d.name}${sfx}` : d.display,
      serial: d.serial ? `${d.serial}${sfx}` : d.serial,
      asset_tag: d.asset_tag ? `${d.asset_tag}${sfx}` : d.asset_tag,
      device_type: keep(d.device_type),
      role: keep(d.role),
      tenant: keep(d.tenant),
      platform: keep(d.platform),
      site: siteSfx(d.site),
      rack: brief(d.rack, off, ''),
      parent_device: d.parent_device ? brief(d.parent_device, off, sfx) : null,
      face: keep(d.face),
      status: keep(d.status),
      airflow: keep(d.airflow),
      primary_ip: null,
      primary_ip4: null,
      primary_ip6: null,
      oob_ip: null,
    })),
    'power-panels': src['power-panels'].map((p) => ({
      ...pick(p, ['id', 'url', 'display', 'name', 'description']),
      id: p.id + off,
      site: siteSfx(p.site),
    })),
    'power-feeds': src['power-feeds'].map((f) => ({
      ...pick(f, ['id', 'url', 'display', 'name', 'voltage', 'amperage', 'max_utilization', 'description']),
      id: f.id + off,
      power_panel: brief(f.power_panel, off, ''),
      rack: f.rack ? brief(f.rack, off, '') : null,
      status: keep(f.status),
      type: keep(f.type),
      supply: keep(f.supply),
      phase: keep(f.phase),
    })),
    interfaces: interfaces.map((i) => ({
      ...pick(i, ['id', 'url', 'display', 'name', 'label', 'enabled', 'mtu', 'speed', 'duplex', 'mgmt_only']),
      ...pick(i, ['description', 'mode', 'mark_connected', 'cable_end']),
      id: i.id + off,
      device: brief(i.device, off, sfx),
      type: keep(i.type),
      cable: i.cable ? brief(i.cable, off, '') : null,
    })),
    // a cable is kept when its interface ends are all in the copy (the last copy is cut short)
    cables: src.cables
      .filter((c) =>
        [...c.a_terminations, ...c.b_terminations].every(
          (t) => t.object_type !== 'dcim.interface' || interfaceIds.has(t.object_id),
        ),
      )
      .filter((c) =>
        [...c.a_terminations, ...c.b_terminations].every((t) => !t.object?.device || deviceIds.has(t.object.device.id)),
      )
      .map((c) => {
        const term = (t) => ({
          object_type: t.object_type,
          object_id: t.object_id + off,
          object: {
            ...pick(t.object ?? {}, ['id', 'url', 'display', 'name']),
            id: (t.object?.id ?? t.object_id) + off,
            ...(t.object?.device ? { device: brief(t.object.device, off, sfx) } : {}),
          },
        });
        return {
          ...pick(c, ['id', 'url', 'display', 'label', 'color', 'length', 'description']),
          id: c.id + off,
          type: c.type,
          status: keep(c.status),
          length_unit: keep(c.length_unit),
          a_terminations: c.a_terminations.map(term),
          b_terminations: c.b_terminations.map(term),
        };
      }),
  };
  return out;
}

function buildExport(target) {
  const per = src.devices.length;
  const copies = Math.ceil(target / per);
  const out = {
    manufacturers: src.manufacturers.map(keep),
    'device-types': src['device-types'].map((t) => ({
      ...pick(t, ['id', 'url', 'display', 'model', 'slug', 'part_number', 'u_height', 'is_full_depth', 'airflow']),
      ...pick(t, ['weight', 'weight_unit', 'comments', 'power_outlet_template_count', 'interface_template_count']),
      manufacturer: keep(t.manufacturer),
      airflow: keep(t.airflow),
      weight_unit: keep(t.weight_unit),
    })),
    'device-roles': src['device-roles'].map(keep),
    sites: [],
    racks: [],
    devices: [],
    'power-panels': [],
    'power-feeds': [],
    interfaces: [],
    cables: [],
  };
  for (let k = 0; k < copies; k++) {
    const c = copy(k, Math.min(per, target - k * per));
    for (const key of Object.keys(c)) for (const x of c[key]) out[key].push(x);
  }
  return { body: out, copies };
}

/**
 * The same export without hyperlinks and display strings, nested objects reduced to what identifies them (their
 * id; lookups such as a manufacturer or role keep name and slug, choices their value): the smallest REST form an
 * exporter could send (`?fields=`), used when the brief form is over the route's body cap.
 */
function lean(x, depth = 0) {
  if (Array.isArray(x)) return x.map((y) => lean(y, depth));
  if (!x || typeof x !== 'object') return x;
  const out = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === 'url' || k === 'display_url' || k === 'display') continue;
    if (depth >= 2 && (k === 'label' || k === 'description' || (k === 'name' && 'id' in x && !('slug' in x)))) continue;
    out[k] = lean(v, depth + 1);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// the run

const secs = (ms) => (ms / 1000).toFixed(2);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const line = (label, value) => console.log(`${label.padEnd(52)} ${value}`);

const load = () => `${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}`;
line('machine', load());
const { body, copies } = buildExport(TARGET);
let payload = JSON.stringify(body);
const fullBytes = Object.keys(src).reduce((n, k) => n + JSON.stringify(src[k]).length, 0);
const devices = body.devices.length;
line('export: copies of the demo', `${copies}`);
line(
  'export: objects',
  `${body.sites.length} sites, ${body.racks.length} racks, ${devices} devices, ${body.interfaces.length} interfaces, ${body.cables.length} cables, ${body['power-feeds'].length} power feeds`,
);
line(
  'export: body size',
  `${mb(payload.length)} MB (full objects would be ~${mb((fullBytes * devices) / src.devices.length)} MB)`,
);

const server = await startDevServer({ port: PORT, timeoutMs: 120_000 });
try {
  const token = await adminToken(server.base);
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };

  // `wrangler dev` rebuilds the Worker when a source file changes (someone editing the tree while the bench runs)
  // and drops the request in flight with a 503: such a request is sent again, and only that attempt is timed.
  async function call(method, path, reqBody, headers = json, attempt = 1) {
    const t0 = performance.now();
    const res = await fetch(`${server.base}${path}`, { method, headers, body: reqBody });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status === 503 && /restarted mid-request/.test(text) && attempt < 4) {
      line(`(${method} ${path.split('?')[0]}: the Worker reloaded mid-request)`, `sent again (attempt ${attempt + 1})`);
      await new Promise((r) => setTimeout(r, 3000));
      return call(method, path, reqBody, headers, attempt + 1);
    }
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const err = new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 1500)}`);
      err.status = res.status;
      throw err;
    }
    return { ms, body: parsed, res };
  }
  const total = async (path) =>
    Number((await call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`)).res.headers.get('x-total-count'));
  const COUNTED = {
    datacenters: '/datacenters',
    racks: '/racks',
    servers: '/servers',
    network_devices: '/network/devices',
    network_ports: '/network/ports',
    network_cables: '/network/cables',
    pdus: '/power/pdus',
  };
  const totals = async () => {
    const out = {};
    for (const [k, p] of Object.entries(COUNTED)) out[k] = await total(p);
    return out;
  };
  const summary = (report) =>
    Object.entries(report.summary)
      .filter(([, c]) => c.created + c.updated + c.unchanged + c.skipped > 0)
      .map(([t, c]) => `${t} +${c.created}/~${c.updated}/=${c.unchanged}/-${c.skipped}`)
      .join(', ');
  const sumOf = (report, field) => Object.values(report.summary).reduce((n, c) => n + c[field], 0);

  // --- NetBox import: dry run, import, re-import
  const base = await totals();
  let dry;
  try {
    dry = await call('POST', '/imports/netbox?dry_run=true', payload);
  } catch (e) {
    if (e.status !== 413) throw e;
    line('NetBox dry run (brief form): HTTP 413', `the ${mb(payload.length)} MB export is over the route's body cap`);
    // interfaces, 22 a device, are most of it: only the fields the importer reads (`?fields=` in NetBox 4)
    const IF_FIELDS = ['id', 'device', 'name', 'type', 'speed', 'enabled', 'mgmt_only', 'description'];
    payload = JSON.stringify(lean({ ...body, interfaces: body.interfaces.map((i) => pick(i, IF_FIELDS)) }));
    line('export: lean form (no links, ids only) body size', `${mb(payload.length)} MB; measuring with it`);
    dry = await call('POST', '/imports/netbox?dry_run=true', payload);
  }
  line('NetBox dry run: elapsed', `${secs(dry.ms)} s (server says ${secs(dry.body.duration_ms)} s)`);
  line('NetBox dry run: plan', summary(dry.body.report));
  const imp = await call('POST', '/imports/netbox', payload);
  const after1 = await totals();
  const mappedDevices =
    after1.servers + after1.network_devices + after1.pdus - (base.servers + base.network_devices + base.pdus);
  line('NetBox import: elapsed', `${secs(imp.ms)} s (server says ${secs(imp.body.duration_ms)} s)`);
  line('NetBox import: result', summary(imp.body.report));
  line(
    'NetBox import: devices in the export / per s',
    `${devices} / ${(devices / (imp.ms / 1000)).toFixed(0)} devices/s`,
  );
  line(
    'NetBox import: devices created (servers+switches+PDUs)',
    `${mappedDevices} (${devices - mappedDevices} of the export are patch panels etc., reported unmapped)`,
  );
  line(
    'NetBox import: issues / unmapped types',
    `${imp.body.report.issues_total} / ${imp.body.report.unmapped.map((u) => `${u.type} ${u.count} (${u.reason})`).join('; ')}`,
  );
  line(
    'target: 10k devices imported in under 60 s',
    devices < 10_000
      ? `n/a (${devices} devices)`
      : imp.ms < 60_000
        ? `MET (${secs(imp.ms)} s)`
        : `NOT MET (${secs(imp.ms)} s)`,
  );

  const re = await call('POST', '/imports/netbox', payload);
  const after2 = await totals();
  line('NetBox re-import: elapsed', `${secs(re.ms)} s (server says ${secs(re.body.duration_ms)} s)`);
  line('NetBox re-import: result', summary(re.body.report));
  const same = Object.keys(COUNTED).every((k) => after1[k] === after2[k]);
  line(
    'NetBox re-import: counts unchanged (no duplicates)',
    `${same && sumOf(re.body.report, 'created') === 0 ? 'yes' : 'NO'}: ${Object.entries(after2)
      .map(([k, n]) => `${k} ${after1[k]}→${n}`)
      .join(', ')}`,
  );

  // the same export a day later: every named device renamed (NetBox ids unchanged), so the devices must update
  const changed = JSON.parse(payload);
  for (const d of changed.devices) if (d.name) d.name = `${d.name}-renamed`;
  const upd = await call('POST', '/imports/netbox', JSON.stringify(changed));
  const after3 = await totals();
  line(
    'NetBox re-import with every device renamed: elapsed',
    `${secs(upd.ms)} s (server says ${secs(upd.body.duration_ms)} s)`,
  );
  line('NetBox re-import with every device renamed: result', summary(upd.body.report));
  const same3 = Object.keys(COUNTED).every((k) => after1[k] === after3[k]);
  const renamed = (await total('/network/devices?q=-renamed')) + (await total('/servers?q=-renamed'));
  line(
    'NetBox re-import with renames: updated, not duplicated',
    `${same3 && sumOf(upd.body.report, 'created') === 0 ? 'yes' : 'NO'}: ${sumOf(upd.body.report, 'updated')} rows updated, ${renamed} servers+switches carry the new names, counts ${same3 ? 'unchanged' : 'CHANGED'}`,
  );

  // --- baseline: the same number of devices as servers through the CSV import, and a sample one by one
  const dc = (await call('POST', '/datacenters', JSON.stringify({ name: `bench-csv-${Date.now()}` }))).body;
  const PER_RACK = 40;
  const rackCount = Math.ceil((devices + SAMPLE) / PER_RACK) + 1;
  const racks = [];
  for (let i = 0; i < rackCount; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, rackCount - i) }, (_, j) => ({
      name: `bench-r${String(i + j).padStart(4, '0')}`,
      datacenter_id: dc.id,
      u_capacity: 42,
      power_capacity_kw: 20,
    }));
    racks.push(...(await call('POST', '/racks', JSON.stringify(batch))).body);
  }
  const row = (n) => {
    const rack = racks[Math.floor(n / PER_RACK)];
    return {
      name: `bench-srv-${String(n).padStart(6, '0')}`,
      serial_number: `BENCH${String(n).padStart(8, '0')}`,
      rack_id: rack.id,
      u_position: (n % PER_RACK) + 1,
      u_size: 1,
      power_supply_w: 350,
      manufacturer: 'Dell',
      model: 'PowerEdge R640',
    };
  };
  const cols = Object.keys(row(0));
  let csvMs = 0;
  for (let from = 0; from < devices; from += CSV_MAX_ROWS) {
    const n = Math.min(CSV_MAX_ROWS, devices - from);
    const csv = [
      cols.join(','),
      ...Array.from({ length: n }, (_, i) => cols.map((c) => row(from + i)[c]).join(',')),
    ].join('\n');
    csvMs += (await call('POST', '/servers/import', csv, { ...auth, 'content-type': 'text/csv' })).ms;
  }
  const afterCsv = await total('/servers');
  line(
    'baseline servers CSV import: elapsed',
    `${secs(csvMs)} s for ${devices} servers (${Math.ceil(devices / CSV_MAX_ROWS)} calls), ${afterCsv - after2.servers} created`,
  );
  line('baseline servers CSV import: per s', `${(devices / (csvMs / 1000)).toFixed(0)} devices/s`);

  let oneMs = 0;
  for (let i = 0; i < SAMPLE; i++) oneMs += (await call('POST', '/servers', JSON.stringify(row(devices + i)))).ms;
  const onePerS = SAMPLE / (oneMs / 1000);
  line(
    'baseline POST /api/servers one by one: sample',
    `${SAMPLE} in ${secs(oneMs)} s = ${onePerS.toFixed(1)} devices/s`,
  );
  line('baseline POST /api/servers one by one: extrapolated', `${secs((devices / onePerS) * 1000)} s for ${devices}`);

  line('machine at the end', load());
  line('ratio NetBox import / servers CSV import (time)', `${(imp.ms / csvMs).toFixed(2)}x`);
  line('ratio NetBox import / one-by-one POST (time)', `${(imp.ms / ((devices / onePerS) * 1000)).toFixed(3)}x`);
} catch (e) {
  console.error(e.message);
  console.error(`--- server log (last 4000 characters) ---\n${server.log().slice(-4000)}`);
  process.exitCode = 1;
} finally {
  await server.stop();
}
