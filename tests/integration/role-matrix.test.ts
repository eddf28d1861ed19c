import { encodeRemoteWrite } from '../../worker/telemetry/ingest/prom-remote-write';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../worker/platform/identity/secrets';
import { totp } from '../../worker/platform/identity/totp';
import { PERMISSIONS, ROLES, type Permission } from '../../worker/platform/access/roles';
import {
  adminToken,
  api,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  decodeJwtPart,
  login,
  datacenterBody,
  rackBody,
  serverBody,
  uniqueName,
  type ApiOptions,
  type Row,
  type RoleName,
  registerPasskey,
  SoftAuthenticator,
} from '../helpers';

type Caller = RoleName | 'anonymous';
interface Route {
  method: string;
  path: string;
  access: string;
  hasBody: boolean;
  /** a CSV import (`POST {list}/import`): walked as a header-only dry run, which every resource accepts */
  csv: boolean;
}

let admin: string;
const tokens: Partial<Record<Caller, string>> = {};
const users: Partial<Record<RoleName, { username: string; password: string }>> = {};
let dc: Row, rack: Row, server: Row, targetUser: { id: number };
let nextU = 1;
/** each role's own passkey (the step-up routes need one); anonymous calls borrow the admin's to build a body */
const passkeys: Partial<Record<RoleName, SoftAuthenticator>> = {};
const owner = (caller: Caller): RoleName => (caller === 'anonymous' ? 'admin' : caller);
const userIdOf = (caller: Caller) => Number(decodeJwtPart(tokens[owner(caller)]!, 1).sub);
const passwordOf = (caller: Caller) => (owner(caller) === 'admin' ? 'admin123' : users[owner(caller)]!.password);
/** a user with an authenticator app, a passkey and recovery codes: their password sign-ins hand out mfa_tokens */
let mfaUser: { username: string; password: string; recovery: string[]; passkey: SoftAuthenticator };
const mfaTicket = async () =>
  (await api('/api/token', { form: { username: mfaUser.username, password: mfaUser.password } })).body
    .mfa_token as string;
/** a ticket of another purpose, minted straight into D1 for a fresh user (no role requires enrolment here) */
async function mintTicket(purpose: 'enroll' | 'password_change') {
  const u = await createUser('viewer', admin);
  const token = `mfa_${crypto.randomUUID().replace(/-/g, '')}`;
  await env.DB.prepare(
    "INSERT INTO mfa_tickets (token_hash, user_id, purpose, via, expires_at) VALUES (?, ?, ?, 'token', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+5 minutes'))",
  )
    .bind(await sha256Hex(token), u.id, purpose)
    .run();
  return token;
}
/** set up and confirm an authenticator app for the caller (the confirmation uses the current time step) */
async function enrolCaller(caller: Caller) {
  const token = tokens[owner(caller)];
  const setup = await api('/api/mfa/totp/setup', { method: 'POST', token });
  await api('/api/mfa/totp/confirm', { token, json: { code: await totp(setup.body.secret, Date.now()) } });
  return setup.body.secret as string;
}
const savedHashes = new Map<number, string>();
/** undo what a granted call changed that later calls rely on (sign-in without a second factor, passwords) */
const AFTER: Record<string, (caller: Caller) => Promise<unknown>> = {
  'post /api/mfa/totp/confirm': async (caller) => {
    await env.DB.prepare('DELETE FROM totp_factors WHERE user_id = ?').bind(userIdOf(caller)).run();
  },
  'post /api/users/me/password': async (caller) => {
    const hash = savedHashes.get(userIdOf(caller));
    if (hash)
      await env.DB.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(hash, userIdOf(caller)).run();
  },
};

const alertRuleBody = () => ({ name: uniqueName('Matrix rule'), metric: 'cpu_pct', threshold: 95 });

/** An open alert on `rackId`, written as the rack object writes one (each call its own fingerprint). */
async function openAlert(rackId: number): Promise<number> {
  const now = new Date().toISOString();
  const row = await env.DB.prepare(
    `INSERT INTO alerts (fingerprint, severity, message, rack_id, started_at, last_seen_at) VALUES (?, 'warning', 'matrix alert', ?, ?, ?) RETURNING id`,
  )
    .bind(crypto.randomUUID(), rackId, now, now)
    .first<{ id: number }>();
  return row!.id;
}

// an email channel: a "send test" by the matrix is logged, not sent anywhere
const channelBody = () => ({ name: uniqueName('matrix ch'), kind: 'email', email_to: 'matrix@example.com' });
const newChannel = async () => (await api('/api/notification-channels', { token: admin, json: channelBody() })).body.id;
const policyBody = async () => ({
  name: uniqueName('matrix pol'),
  levels: [{ after_min: 0, channel_ids: [await newChannel()] }],
});
const newPolicy = async () =>
  (await api('/api/escalation-policies', { token: admin, json: await policyBody() })).body.id;
const scheduleBody = () => ({
  name: uniqueName('matrix sched'),
  handoff: '2026-01-05T09:00',
  participants: [{ name: 'Matrix', email: 'matrix@example.com' }],
});
const newSchedule = async () => (await api('/api/oncall-schedules', { token: admin, json: scheduleBody() })).body.id;
const maintenanceBody = () => ({
  title: uniqueName('matrix window'),
  target_type: 'rack',
  target_id: rack.id,
  starts_at: new Date(Date.now() + 86_400_000).toISOString(),
  ends_at: new Date(Date.now() + 90_000_000).toISOString(),
});
const newMaintenance = async () => (await api('/api/maintenance', { token: admin, json: maintenanceBody() })).body.id;
let secondHost: Row | undefined;
const vmBody = (status = 'stopped') => ({
  name: uniqueName('matrix vm'),
  host_server_id: server.id,
  cpu_cores: 1,
  ram_gb: 1,
  status,
});
const newVm = async (status = 'stopped') => (await api('/api/vms', { token: admin, json: vmBody(status) })).body.id;
async function newQueuedOperation() {
  const id = await newVm();
  return (await api(`/api/vms/${id}/start`, { token: admin, method: 'POST' })).body.id;
}
async function newSnapshot() {
  const vm = await newVm();
  const r = await env.DB.prepare(
    `INSERT INTO vm_snapshots (vm_id, name, status, parent_id) VALUES (?, ?, 'ready', NULL) RETURNING id`,
  )
    .bind(vm, uniqueName('snap').replace(/\s/g, '-'))
    .first<{ id: number }>();
  return r!.id;
}
const clusterBody = () => ({ name: uniqueName('matrix-cluster'), kind: 'docker', datacenter_id: dc.id });
const newCluster = async () => (await api('/api/clusters', { token: admin, json: clusterBody() })).body.id;
const newNode = async () =>
  (await api('/api/cluster-nodes', { token: admin, json: { cluster_id: await newCluster(), server_id: server.id } }))
    .body.id;
const workloadBody = async () => ({
  cluster_id: await newCluster(),
  name: uniqueName('web').toLowerCase(),
  image: 'nginx:1.27',
});
const newWorkload = async () => (await api('/api/containers', { token: admin, json: await workloadBody() })).body.id;
/** a rolling update the agent holds (running): what pause and resume act on */
async function newRunningRollout() {
  const w = await newWorkload();
  const r = await env.DB.prepare(
    `INSERT INTO workload_operations (workload_id, datacenter_id, kind, params, status, idempotency_key, requested_by)
     VALUES (?, ?, 'workload.set_image', '{"image":"nginx:1.28"}', 'running', ?, 'admin') RETURNING id`,
  )
    .bind(w, dc.id, `wl:${crypto.randomUUID()}`)
    .first<{ id: number }>();
  return r!.id;
}
const autoscaleBody = async () => ({
  workload_id: await newWorkload(),
  scale_out_above: 70,
  scale_in_below: 30,
  max_replicas: 3,
});
const newAutoscale = async () =>
  (await api('/api/autoscale-policies', { token: admin, json: await autoscaleBody() })).body.id;
async function newDecision() {
  const policy = await newAutoscale();
  const r = await env.DB.prepare(
    `INSERT INTO autoscale_decisions (policy_id, workload_id, action, reason, replicas_before, replicas_after)
     SELECT id, workload_id, 'hold', 'matrix', 1, 1 FROM autoscale_policies WHERE id = ? RETURNING id`,
  )
    .bind(policy)
    .first<{ id: number }>();
  return r!.id;
}
const scalingGroupBody = async () => ({
  name: uniqueName('asg').replace(/\s/g, '-').slice(0, 40),
  template_vm_id: await newVm(),
  scale_out_above: 70,
  scale_in_below: 30,
  max_size: 3,
});
const newScalingGroup = async () =>
  (await api('/api/vm-scaling-groups', { token: admin, json: await scalingGroupBody() })).body.id;
async function newScalingDecision() {
  const group = await newScalingGroup();
  const r = await env.DB.prepare(
    `INSERT INTO vm_scaling_decisions (group_id, action, reason, size_before, size_after)
     VALUES (?, 'hold', 'matrix', 0, 0) RETURNING id`,
  )
    .bind(group)
    .first<{ id: number }>();
  return r!.id;
}
async function newNotification() {
  const id = await newChannel();
  return (await api(`/api/notification-channels/${id}/test`, { token: admin, method: 'POST' })).body.notification_id;
}

const storageBody = () => ({
  name: uniqueName('matrix-arr'),
  datacenter_id: dc.id,
  raid_level: '6',
  disk_count: 4,
  raw_capacity_tb: 40,
});
const newStorage = async () => (await api('/api/storage', { token: admin, json: storageBody() })).body.id;
/** a storage system and one of its snapshots, for /storage/{id}/snapshots/{snapshot_id} */
async function storageSnapshotPath(path: string) {
  const id = await newStorage();
  const snap = await api(`/api/storage/${id}/snapshots`, { token: admin, json: { name: 'matrix', size_gb: 1 } });
  return path.replace('{id}', String(id)).replace('{snapshot_id}', String(snap.body.id));
}

// ---- network and power: each object gets a rack of its own, so U slots and outlets never run out
const freshRack = async () => (await createRack(admin, { datacenter_id: dc.id })).id;
const created = async (path: string, json: Row) => {
  const res = await api(path, { token: admin, json });
  expect(res.status, `${path}: ${res.text}`).toBe(201);
  return res.body.id as number;
};
const switchBody = async () => ({
  name: uniqueName('matrix-sw'),
  device_type: 'access_switch',
  rack_id: await freshRack(),
  u_position: 1,
});
const newSwitch = async () => created('/api/network/devices', await switchBody());
let portHost: number | undefined;
const portBody = async () => ({ device_id: (portHost ??= await newSwitch()), name: uniqueName('Ethernet') });
const newPort = async () => created('/api/network/ports', await portBody());
const cableBody = async () => ({ a_port_id: await newPort(), b_port_id: await newPort() });
const newCable = async () => created('/api/network/cables', await cableBody());
const feedBody = () => ({ name: uniqueName('matrix-feed'), datacenter_id: dc.id });
const newFeed = async () => created('/api/power/feeds', feedBody());
const pduBody = async (rack_id?: number) => ({
  name: uniqueName('matrix-pdu'),
  rack_id: rack_id ?? (await freshRack()),
  capacity_kw: 5,
});
const newPdu = async () => created('/api/power/pdus', await pduBody());
const supplyBody = async () => {
  const rackId = await freshRack();
  const pdu = await created('/api/power/pdus', await pduBody(rackId));
  const host = await createServer(admin, { rack_id: rackId, u_position: 1 });
  return { device_kind: 'server', device_id: host.id, pdu_id: pdu, outlet: 1 };
};
const newSupply = async () => created('/api/power/supplies', await supplyBody());
let matrixFeed: number;
/** ids of the network and power resources, by the path segment after /api/network or /api/power */
const ESTATE_IDS: Record<string, () => Promise<number>> = {
  devices: newSwitch,
  ports: newPort,
  cables: newCable,
  feeds: newFeed,
  pdus: newPdu,
  supplies: newSupply,
};

/** Every id a route needs; DELETE gets a fresh throwaway object each call so later calls still find theirs. */
/** A proposed placement plan of the matrix's site, asked for by the admin (so any operator may decide it). */
async function newPlacementPlan(): Promise<number> {
  await newVm();
  const r = await api('/api/optimisation/placement-plans', {
    token: admin,
    json: { datacenter_id: dc.id, goal: 'pack' },
  });
  expect(r.status, r.text).toBe(201);
  return r.body.id;
}

const playbookBody = async () => ({
  name: uniqueName('matrix playbook'),
  action: 'vm.migrate',
  trigger_rule_id: (await api('/api/alert-rules', { token: admin, json: alertRuleBody() })).body.id,
});
const newPlaybook = async () => created('/api/remediation/playbooks', await playbookBody());
/**
 * A run awaiting approval, written as the cron writes one; its VM is gone, so approving it answers 200 with the
 * run failed (the migration refused), which is what a granted call may do.
 */
async function newRemediationRun(): Promise<number> {
  const alertId = await openAlert(rack.id);
  const row = await env.DB.prepare(
    `INSERT INTO remediation_runs (playbook_id, name, action, mode, alert_id, severity, status, proposal)
     VALUES (0, 'matrix', 'vm.migrate', 'approval', ?, 'warning', 'awaiting_approval', '{"vm_id":0,"to_host_id":0}') RETURNING id`,
  )
    .bind(alertId)
    .first<{ id: number }>();
  return row!.id;
}

async function idFor(route: Route, caller: Caller): Promise<number | string> {
  const base = route.path.replace(/^\/api\//, '').split('/')[0];
  if (route.method === 'delete') {
    if (base === 'datacenters') return (await createDatacenter(admin)).id;
    if (base === 'racks') return (await createRack(admin, { datacenter_id: dc.id })).id;
    if (base === 'servers') return (await createServer(admin, { rack_id: rack.id, u_position: nextU++ })).id;
  }
  if (base === 'ipam') return IPAM_IDS[route.path.split('/')[3]!]!();
  if (base === 'cost') return COST_IDS[route.path.split('/')[3]!]!();
  if (base === 'device-types') return created('/api/device-types', deviceTypeBody());
  if (base === 'imports') return importRunId();
  if (base === 'vulnerabilities') {
    const kind = route.path.split('/')[3];
    if (kind === 'feeds') return created('/api/vulnerabilities/feeds', vulnFeedBody());
    if (kind === 'catalogue') return catalogueId();
    if (kind === 'findings') return findingId();
  }
  if (base === 'storage') return newStorage();
  if (base === 'network' || base === 'power') {
    const make = ESTATE_IDS[route.path.split('/')[3]];
    if (make) return make();
  }
  if (base === 'alert-rules') {
    return (await api('/api/alert-rules', { token: admin, json: alertRuleBody() })).body.id;
  }
  if (base === 'alerts') return openAlert(rack.id);
  if (base === 'notification-channels') return newChannel();
  if (base === 'escalation-policies') return newPolicy();
  if (base === 'oncall-schedules') return newSchedule();
  if (base === 'notifications') return newNotification();
  if (base === 'maintenance') return newMaintenance();
  // a VM in the state its operation starts from, with nothing pending
  if (base === 'vms') return newVm(/\/(stop|restart)$/.test(route.path) ? 'running' : 'stopped');
  if (base === 'vm-operations') return newQueuedOperation();
  if (base === 'optimisation') return newPlacementPlan();
  if (base === 'remediation') return route.path.split('/')[3] === 'runs' ? newRemediationRun() : newPlaybook();
  if (base === 'vm-snapshots') return newSnapshot();
  if (base === 'clusters') return newCluster();
  if (base === 'cluster-nodes') return newNode();
  if (base === 'containers') return newWorkload();
  if (base === 'autoscale-policies') return newAutoscale();
  if (base === 'autoscale-decisions') return newDecision();
  if (base === 'vm-scaling-groups') return newScalingGroup();
  if (base === 'vm-scaling-decisions') return newScalingDecision();
  if (base === 'workload-operations') {
    if (/\/(pause|resume)$/.test(route.path)) return newRunningRollout();
    // queued: no agent is connected in this walk
    return (await api(`/api/containers/${await newWorkload()}/scale`, { token: admin, json: { replicas: 2 } })).body.id;
  }
  if (base === 'incidents') {
    const r = await api('/api/incidents', {
      token: admin,
      json: { title: uniqueName('matrix incident'), severity: 'info' },
    });
    return r.body.id;
  }
  switch (base) {
    case 'datacenters':
    case 'sites':
      return dc.id;
    case 'racks':
      return rack.id;
    case 'servers':
      return server.id;
    case 'users':
      return targetUser.id;
    case 'live':
      return route.path.startsWith('/api/live/racks') ? rack.id : dc.id;
    case 'metrics':
      return rack.id;
    case 'audit':
      return 1;
    case 'tokens': {
      // one of the caller's own tokens, so that a granted call succeeds
      const owner = tokens[caller === 'anonymous' ? 'admin' : caller];
      const t = await api('/api/tokens', { token: owner, json: { name: uniqueName('matrix'), scopes: ['read'] } });
      return t.body.id;
    }
    case 'passkeys': {
      // one of the caller's own passkeys: a throwaway for DELETE, the lasting one otherwise
      if (route.method === 'delete') return (await registerPasskey(tokens[owner(caller)]!, 'matrix')).passkey.id;
      return passkeys[owner(caller)]!.id;
    }
    case 'sessions': {
      // a second session of the caller's (not the one the walk is using)
      const who = caller === 'anonymous' ? 'admin' : caller;
      const fresh = who === 'admin' ? await adminToken() : await login(users[who]!.username, users[who]!.password);
      return decodeJwtPart(fresh, 1).sid;
    }
  }
  throw new Error(`role matrix: no id for ${route.method.toUpperCase()} ${route.path}; teach idFor about it`);
}

// IP addressing, device types, the vulnerability catalogue and imports: fresh rows per call (deletes take two)
let ipamN = 0;
const vlanBody = () => ({ vid: (ipamN++ % 4000) + 2, name: uniqueName('matrix-vlan'), datacenter_id: dc.id });
const prefixBody = () => {
  const n = ipamN++;
  return { prefix: `10.${100 + (n >> 8)}.${n & 255}.0/24`, datacenter_id: dc.id };
};
const addressBody = () => {
  const n = ipamN++;
  return { address: `172.20.${Math.floor(n / 250)}.${(n % 250) + 1}/24` };
};
const deviceTypeBody = () => ({ manufacturer: 'Matrixcorp', model: uniqueName('MX') });
const vulnFeedBody = () => ({ name: uniqueName('matrix-feed'), format: 'kev' as const, url: null });
const MATRIX_KEV = {
  title: 'CISA Catalog of Known Exploited Vulnerabilities',
  catalogVersion: '2026.01.01',
  dateReleased: '2026-01-01T00:00:00.000Z',
  count: 1,
  vulnerabilities: [
    {
      cveID: 'CVE-2099-0001',
      vendorProject: 'Matrixcorp',
      product: 'MatrixOS',
      vulnerabilityName: 'MatrixOS probe',
      dateAdded: '2026-01-01',
      shortDescription: 'A role-matrix fixture.',
      requiredAction: 'Patch.',
      dueDate: '2026-01-21',
      knownRansomwareCampaignUse: 'Unknown',
    },
  ],
};
/** The versions: a KEV entry alone never makes a finding (it names no versions) */
const MATRIX_OSV = [
  {
    schema_version: '1.6.0',
    id: 'DCP-2099-0001',
    modified: '2026-01-01T00:00:00Z',
    aliases: ['CVE-2099-0001'],
    summary: 'MatrixOS probe',
    affected: [
      {
        package: { ecosystem: 'Matrixcorp', name: 'MatrixOS' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }],
      },
    ],
  },
];
let matrixFinding: number | undefined;
/** One finding: a server running MatrixOS against a one-entry KEV catalogue. */
async function findingId(): Promise<number> {
  if (matrixFinding) return matrixFinding;
  await createServer(admin, {
    rack_id: rack.id,
    u_position: nextU++,
    manufacturer: 'Matrixcorp',
    os: 'MatrixOS',
    os_version: '1.0',
  });
  for (const json of [MATRIX_KEV, MATRIX_OSV]) {
    const r = await api('/api/vulnerabilities/catalogue/import', { token: admin, json });
    expect(r.status, r.text).toBe(200);
  }
  const list = await api('/api/vulnerabilities/findings?limit=1', { token: admin });
  expect(list.body, 'the MatrixOS server has a finding').toHaveLength(1);
  return (matrixFinding = list.body[0].id as number);
}
async function catalogueId(): Promise<number> {
  await findingId();
  return (await api('/api/vulnerabilities/catalogue?limit=1', { token: admin })).body[0].id as number;
}
const netboxBody = () => {
  const id = 900_000 + ipamN++;
  return { sites: [{ id, name: uniqueName('nb-site'), slug: `nb-site-${id}`, status: { value: 'active' } }] };
};
async function importRunId(): Promise<number> {
  const r = await api('/api/imports/netbox?dry_run=true', { token: admin, json: netboxBody() });
  expect(r.status, r.text).toBe(200);
  return r.body.run_id as number;
}
const IPAM_IDS: Record<string, () => Promise<number>> = {
  vlans: () => created('/api/ipam/vlans', vlanBody()),
  prefixes: () => created('/api/ipam/prefixes', prefixBody()),
  'ip-addresses': () => created('/api/ipam/ip-addresses', addressBody()),
};
const costTariffBody = async () => ({
  name: uniqueName('matrix-tariff'),
  datacenter_id: (await createDatacenter(admin)).id,
  currency: 'EUR',
  rate_per_kwh: 0.2,
  amortisation_years: 5,
});
const costContractBody = () => ({
  name: uniqueName('matrix-contract'),
  currency: 'EUR',
  amount: 100,
  starts_on: '2025-01-01',
});
const costBudgetBody = () => ({ name: uniqueName('matrix-budget'), amount: 100, currency: 'EUR' });
const COST_IDS: Record<string, () => Promise<number>> = {
  tariffs: async () => created('/api/cost/tariffs', await costTariffBody()),
  contracts: () => created('/api/cost/contracts', costContractBody()),
  budgets: () => created('/api/cost/budgets', costBudgetBody()),
};

/** Bodies of ingest formats that are not JSON (their OpenAPI entries declare no JSON body). */
const RAW_BODIES: Record<string, () => Pick<ApiOptions, 'body' | 'headers'>> = {
  'post /api/prom/push': () => ({ body: 'matrix_metric 1\n' }),
  'post /api/prom/write': () => ({
    body: encodeRemoteWrite([
      { labels: { __name__: 'matrix', server: server.name }, samples: [{ value: 1, ts: Date.now() }] },
    ]),
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
  }),
  'post /api/influx/write': () => ({ body: `matrix,host=${server.name} value=1 ${Date.now()}` }),
};

/** A WebAuthn assertion answering fresh options from `optionsPath` (called with `token`). */
async function assertion(optionsPath: string, auth: SoftAuthenticator, token?: string) {
  const start = await api(optionsPath, { method: 'POST', token });
  return { json: { challenge_id: start.body.challenge_id, response: await auth.assert(start.body.options) } };
}

/** A minimal valid request body per route that takes one (built for the caller when it must be theirs). */
const BODIES: Record<
  string,
  (caller: Caller) => Pick<ApiOptions, 'json' | 'form'> | Promise<Pick<ApiOptions, 'json' | 'form'>>
> = {
  'post /api/token': () => ({ form: { username: 'admin', password: 'admin123' } }),
  'post /api/session': () => ({ json: { username: 'admin', password: 'admin123' } }),
  'post /api/register': () => {
    const username = uniqueName('matrix').toLowerCase();
    return { json: { username, email: `${username}@example.com`, password: 'Matrix-Pass-2026!' } };
  },
  'patch /api/users/{id}': () => ({ json: { full_name: uniqueName('Full Name') } }),
  'post /api/users': () => {
    const username = uniqueName('invite').toLowerCase();
    return { json: { username, email: `${username}@example.com`, role: 'viewer' } };
  },
  'patch /api/datacenters': () => ({ json: [{ id: dc.id, location: uniqueName('Moved') }] }),
  'patch /api/racks': () => ({ json: [{ id: rack.id, location: uniqueName('Row Z') }] }),
  'patch /api/servers': () => ({ json: [{ id: server.id, os: uniqueName('Ubuntu') }] }),
  'post /api/datacenters': () => ({ json: datacenterBody() }),
  'patch /api/datacenters/{id}': () => ({ json: { location: uniqueName('Moved') } }),
  'post /api/alert-rules': () => ({ json: alertRuleBody() }),
  'post /api/alert-rules/preview': () => ({ json: { metric: 'cpu_pct', threshold: 90 } }),
  'put /api/alerts/{id}/acknowledge': () => ({ json: { note: 'on it' } }),
  'post /api/v2/alerts': () => ({ json: [{ labels: { alertname: 'MatrixProbe', server: server.name } }] }),
  'put /api/alerts/{id}/resolve': () => ({ json: { note: 'fixed' } }),
  'patch /api/alert-rules/{id}': () => ({ json: { threshold: 97 } }),
  'patch /api/alert-rules': async () => {
    const r = await api('/api/alert-rules', { token: admin, json: alertRuleBody() });
    return { json: [{ id: r.body.id, threshold: 96 }] };
  },
  'post /api/notification-channels': () => ({ json: channelBody() }),
  'patch /api/notification-channels/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/notification-channels': async () => ({ json: [{ id: await newChannel(), enabled: false }] }),
  'post /api/escalation-policies': async () => ({ json: await policyBody() }),
  'patch /api/escalation-policies/{id}': () => ({ json: { priority: 7 } }),
  'patch /api/escalation-policies': async () => ({ json: [{ id: await newPolicy(), priority: 8 }] }),
  'post /api/oncall-schedules': () => ({ json: scheduleBody() }),
  'patch /api/oncall-schedules/{id}': () => ({ json: { shift_days: 14 } }),
  'patch /api/oncall-schedules': async () => ({ json: [{ id: await newSchedule(), shift_days: 3 }] }),
  'post /api/maintenance': () => ({ json: maintenanceBody() }),
  'patch /api/maintenance/{id}': () => ({ json: { reason: 'matrix' } }),
  'patch /api/maintenance': async () => ({ json: [{ id: await newMaintenance(), reason: 'bulk' }] }),
  'post /api/vms': () => ({ json: vmBody() }),
  'patch /api/vms/{id}': () => ({ json: { owner: uniqueName('owner') } }),
  'patch /api/vms': async () => ({ json: [{ id: await newVm(), owner: uniqueName('owner') }] }),
  'post /api/vms/{id}/start': () => ({ json: {} }),
  'post /api/vms/{id}/stop': () => ({ json: {} }),
  'post /api/vms/{id}/restart': () => ({ json: {} }),
  'post /api/vms/{id}/migrate': async () => {
    secondHost ??= await createServer(admin, { rack_id: rack.id, u_position: nextU++ });
    return { json: { target_host_id: secondHost.id } };
  },
  'post /api/vms/{id}/snapshots': () => ({ json: { name: 'matrix-snap' } }),
  'post /api/vms/{id}/clone': () => ({ json: { name: uniqueName('matrix-clone').replace(/\s/g, '-') } }),
  'post /api/clusters': () => ({ json: clusterBody() }),
  'patch /api/clusters/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/clusters': async () => ({ json: [{ id: await newCluster(), description: 'bulk' }] }),
  'post /api/cluster-nodes': async () => ({ json: { cluster_id: await newCluster(), server_id: server.id } }),
  'patch /api/cluster-nodes/{id}': () => ({ json: { role: 'control-plane' } }),
  'patch /api/cluster-nodes': async () => ({ json: [{ id: await newNode(), role: 'control-plane' }] }),
  'post /api/containers': async () => ({ json: await workloadBody() }),
  'patch /api/containers/{id}': () => ({ json: { labels: { team: 'matrix' } } }),
  'patch /api/containers': async () => ({ json: [{ id: await newWorkload(), labels: { team: 'bulk' } }] }),
  'post /api/autoscale-policies': async () => ({ json: await autoscaleBody() }),
  'patch /api/autoscale-policies/{id}': () => ({ json: { cooldown_s: 60 } }),
  'patch /api/autoscale-policies': async () => ({ json: [{ id: await newAutoscale(), cooldown_s: 120 }] }),
  'post /api/vm-scaling-groups': async () => ({ json: await scalingGroupBody() }),
  'patch /api/vm-scaling-groups/{id}': () => ({ json: { cooldown_s: 60 } }),
  'patch /api/vm-scaling-groups': async () => ({ json: [{ id: await newScalingGroup(), cooldown_s: 120 }] }),
  'post /api/containers/{id}/scale': () => ({ json: { replicas: 3 } }),
  'post /api/containers/{id}/rollout': () => ({ json: { image: 'nginx:1.29' } }),
  'put /api/servers/{id}/overcommit': () => ({ json: { cpu_ratio: 4, ram_ratio: 1, disk_ratio: 1 } }),
  'post /api/incidents': () => ({ json: { title: uniqueName('matrix incident'), severity: 'info' } }),
  'patch /api/incidents/{id}': () => ({ json: { note: 'matrix' } }),
  'post /api/racks': () => ({ json: rackBody(dc.id) }),
  'patch /api/racks/{id}': () => ({ json: { location: uniqueName('Row Z') } }),
  'post /api/servers': () => ({ json: serverBody(rack.id, { u_position: nextU++ }) }),
  'patch /api/servers/{id}': () => ({ json: { os: uniqueName('Ubuntu') } }),
  'post /api/storage': () => ({ json: storageBody() }),
  'patch /api/storage/{id}': () => ({ json: { firmware_version: uniqueName('fw') } }),
  'patch /api/storage': async () => ({ json: [{ id: await newStorage(), firmware_version: uniqueName('fw') }] }),
  'post /api/storage/{id}/snapshots': () => ({ json: { name: uniqueName('snap'), size_gb: 1 } }),
  'post /api/network/devices': async () => ({ json: await switchBody() }),
  'patch /api/network/devices/{id}': () => ({ json: { os_version: uniqueName('EOS') } }),
  'patch /api/network/devices': async () => ({ json: [{ id: await newSwitch(), os_version: uniqueName('EOS') }] }),
  'post /api/network/ports': async () => ({ json: await portBody() }),
  'patch /api/network/ports/{id}': () => ({ json: { description: uniqueName('uplink') } }),
  'patch /api/network/ports': async () => ({ json: [{ id: await newPort(), description: uniqueName('uplink') }] }),
  'post /api/network/cables': async () => ({ json: await cableBody() }),
  'patch /api/network/cables/{id}': () => ({ json: { label: uniqueName('C') } }),
  'patch /api/network/cables': async () => ({ json: [{ id: await newCable(), label: uniqueName('C') }] }),
  'post /api/power/feeds': () => ({ json: feedBody() }),
  'patch /api/power/feeds/{id}': () => ({ json: { panel: uniqueName('PP') } }),
  'patch /api/power/feeds': async () => ({ json: [{ id: await newFeed(), panel: uniqueName('PP') }] }),
  'post /api/power/pdus': async () => ({ json: await pduBody() }),
  'patch /api/power/pdus/{id}': () => ({ json: { model: uniqueName('PX3') } }),
  'patch /api/power/pdus': async () => ({ json: [{ id: await newPdu(), model: uniqueName('PX3') }] }),
  'post /api/power/supplies': async () => ({ json: await supplyBody() }),
  'patch /api/power/supplies/{id}': () => ({ json: { max_draw_w: 450 } }),
  'patch /api/power/supplies': async () => ({ json: [{ id: await newSupply(), max_draw_w: 400 }] }),
  'post /api/ipam/vlans': () => ({ json: vlanBody() }),
  'patch /api/ipam/vlans/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/ipam/vlans': async () => ({ json: [{ id: await IPAM_IDS.vlans!(), description: 'bulk' }] }),
  'post /api/ipam/prefixes': () => ({ json: prefixBody() }),
  'patch /api/ipam/prefixes/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/ipam/prefixes': async () => ({ json: [{ id: await IPAM_IDS.prefixes!(), description: 'bulk' }] }),
  'post /api/ipam/prefixes/{id}/available-ips': () => ({ json: {} }),
  'post /api/ipam/ip-addresses': () => ({ json: addressBody() }),
  'patch /api/ipam/ip-addresses/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/ipam/ip-addresses': async () => ({
    json: [{ id: await IPAM_IDS['ip-addresses']!(), description: 'bulk' }],
  }),
  'post /api/device-types': () => ({ json: deviceTypeBody() }),
  'patch /api/device-types/{id}': () => ({ json: { u_height: 2 } }),
  'patch /api/device-types': async () => ({
    json: [{ id: await created('/api/device-types', deviceTypeBody()), u_height: 2 }],
  }),
  'post /api/device-types/import': () => ({
    json: {
      yaml: `manufacturer: Matrixcorp\nmodel: ${uniqueName('MY')}\nslug: ${uniqueName('my')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')}\nu_height: 1\n`,
    },
  }),
  'post /api/imports/netbox': () => ({ json: netboxBody() }),
  'post /api/optimisation/placement-plans': async () => {
    await newVm();
    return { json: { datacenter_id: dc.id, goal: 'pack' } };
  },
  'post /api/optimisation/placement-plans/{id}/reject': () => ({ json: { reason: 'matrix' } }),
  'post /api/remediation/playbooks': async () => ({ json: await playbookBody() }),
  'patch /api/remediation/playbooks/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/remediation/playbooks': async () => ({ json: [{ id: await newPlaybook(), description: 'bulk' }] }),
  'post /api/remediation/runs/{id}/reject': () => ({ json: { reason: 'matrix' } }),
  'put /api/remediation/settings/kill-switch': () => ({ json: { kill_switch: false } }),
  'post /api/cost/tariffs': async () => ({ json: await costTariffBody() }),
  'patch /api/cost/tariffs/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/cost/tariffs': async () => ({ json: [{ id: await COST_IDS.tariffs!(), description: 'bulk' }] }),
  'post /api/cost/contracts': () => ({ json: costContractBody() }),
  'patch /api/cost/contracts/{id}': () => ({ json: { description: 'matrix' } }),
  'patch /api/cost/contracts': async () => ({ json: [{ id: await COST_IDS.contracts!(), description: 'bulk' }] }),
  'post /api/cost/budgets': () => ({ json: costBudgetBody() }),
  'post /api/cost/tco': () => ({
    json: {
      horizon_years: 5,
      count: 10,
      power_w: 400,
      age_years: 6,
      support_per_year: 500,
      u_per_server: 1,
      new_price: 5000,
      new_power_w: 350,
      consolidation_ratio: 1.5,
      new_support_per_year: 300,
      new_u_per_server: 1,
      price_per_kwh: 0.2,
      pue: 1.5,
      space_per_u_month: 10,
    },
  }),
  'patch /api/cost/budgets/{id}': () => ({ json: { amount: 200 } }),
  'patch /api/cost/budgets': async () => ({ json: [{ id: await COST_IDS.budgets!(), amount: 300 }] }),
  'post /api/vulnerabilities/catalogue/import': () => ({ json: MATRIX_KEV }),
  'post /api/vulnerabilities/feeds': () => ({ json: vulnFeedBody() }),
  'patch /api/vulnerabilities/feeds/{id}': () => ({ json: { enabled: false } }),
  'patch /api/vulnerabilities/feeds': async () => ({
    json: [{ id: await created('/api/vulnerabilities/feeds', vulnFeedBody()), enabled: false }],
  }),
  'patch /api/vulnerabilities/findings/{id}': () => ({ json: { status: 'open' } }),
  'post /api/demo/seed': () => ({ json: { users: false } }),
  'post /api/demo/history': () => {
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 48 * 3_600_000;
    return { json: { rows: [[rack.id, server.id, 'cpu_pct', 3600, hour, 1, 5, 5, 5, 5, 5]] } };
  },
  'post /api/metrics/ingest': () => ({ json: [{ server: server.id, metric: 'cpu_pct', value: 1, ts: Date.now() }] }),
  'post /api/otlp/v1/metrics': () => ({
    json: {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'host.name', value: { stringValue: server.name } }] },
          scopeMetrics: [
            {
              metrics: [
                { name: 'cpu_pct', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: `${Date.now()}000000` }] } },
              ],
            },
          ],
        },
      ],
    },
  }),
  'post /api/tokens': () => ({ json: { name: uniqueName('matrix'), scopes: ['read'], expires_in_days: 1 } }),
  'post /api/passkeys/register/verify': async (caller) => {
    const token = tokens[owner(caller)];
    const start = await api('/api/passkeys/register/options', { method: 'POST', token });
    const auth = await SoftAuthenticator.create();
    return {
      json: { challenge_id: start.body.challenge_id, name: 'matrix', response: await auth.attest(start.body.options) },
    };
  },
  'patch /api/passkeys/{id}': () => ({ json: { name: uniqueName('Key') } }),
  'post /api/passkeys/login/verify': () => assertion('/api/passkeys/login/options', passkeys.admin!),
  'post /api/passkeys/step-up/verify': (caller) =>
    assertion('/api/passkeys/step-up/options', passkeys[owner(caller)]!, tokens[owner(caller)]),
  'post /api/mfa/totp/confirm': async (caller) => {
    const setup = await api('/api/mfa/totp/setup', { method: 'POST', token: tokens[owner(caller)] });
    return { json: { code: await totp(setup.body.secret, Date.now()) } };
  },
  'delete /api/mfa/totp': async (caller) => {
    if (caller === 'anonymous') return { json: { code: '123456' } };
    const secret = await enrolCaller(caller);
    return { json: { code: await totp(secret, Date.now() + 30_000) } };
  },
  'put /api/mfa/policy': () => ({ json: { admin: false, operator: false, viewer: false, auditor: false } }),
  'post /api/mfa/verify': async () => ({
    json: { mfa_token: await mfaTicket(), method: 'recovery_code', code: mfaUser.recovery.pop() },
  }),
  'post /api/mfa/passkey/options': async () => ({ json: { mfa_token: await mfaTicket() } }),
  'post /api/mfa/passkey/verify': async () => {
    const mfa_token = await mfaTicket();
    const start = await api('/api/mfa/passkey/options', { json: { mfa_token } });
    return {
      json: {
        mfa_token,
        challenge_id: start.body.challenge_id,
        response: await mfaUser.passkey.assert(start.body.options),
      },
    };
  },
  'post /api/mfa/enroll/setup': async () => ({ json: { mfa_token: await mintTicket('enroll') } }),
  'post /api/mfa/enroll/confirm': async () => {
    const mfa_token = await mintTicket('enroll');
    const setup = await api('/api/mfa/enroll/setup', { json: { mfa_token } });
    return { json: { mfa_token, code: await totp(setup.body.secret, Date.now()) } };
  },
  'post /api/mfa/password': async () => ({
    json: { mfa_token: await mintTicket('password_change'), new_password: 'Matrix-Changed-Pass-2026' },
  }),
  'post /api/users/me/password': async (caller) => {
    const row = await env.DB.prepare('SELECT password_hash FROM users WHERE id = ?')
      .bind(userIdOf(caller))
      .first<{ password_hash: string }>();
    savedHashes.set(userIdOf(caller), row!.password_hash);
    return { json: { current_password: passwordOf(caller), new_password: 'Matrix-Changed-Pass-2026' } };
  },
};

const INGEST = new Set([
  '/api/v2/alerts',
  '/api/metrics/ingest',
  '/api/prom/write',
  '/api/otlp/v1/metrics',
  '/api/influx/write',
  '/api/prom/push',
]);

/** Routes that need a query string to succeed once access is granted. */
const QUERIES: Record<string, () => string> = {
  'get /api/metrics/servers': () => `server_id=${server.id}&metric=cpu_pct`,
  'get /api/search': () => `q=${encodeURIComponent(server.name)}`,
  'get /api/metrics/racks': () => `rack_id=${rack.id}&metric=power_kw`,
  'get /api/metrics/latest': () => `rack_id=${rack.id}`,
  'get /api/metrics/servers/anomalies': () => `server_id=${server.id}`,
  'get /api/metrics/patterns': () => `server_id=${server.id}`,
  'get /api/analytics/placement': () => 'count=1&power_w=500',
  'get /api/metrics/forecast': () => `server_id=${server.id}&metric=cpu_pct`,
  'get /api/analytics/pue': () => `datacenter_id=${dc.id}`,
  'get /api/efficiency/recommendations': () => `datacenter_id=${dc.id}`,
  'get /api/efficiency/cooling': () => `datacenter_id=${dc.id}`,
  'get /api/power/impact': () => `feed_id=${matrixFeed}`,
  'get /api/power/chain': () => `datacenter_id=${dc.id}`,
  'post /api/prom/push': () => `server=${encodeURIComponent(server.name)}`,
  'post /api/influx/write': () => 'precision=ms',
};

/** WebSocket endpoints: a granted plain GET gets past access and is then refused as not an upgrade. */
const GRANTED_STATUS: Record<string, number> = {
  'get /api/live/racks/{id}': 426,
  'get /api/live/datacenters/{id}': 426,
  'get /api/live/alerts': 426,
  'get /api/agents/connect': 426,
};

const PUBLIC = new Set([
  'get /api/health',
  'get /api/openapi.json',
  'get /api/docs',
  'post /api/token',
  'post /api/session',
  'delete /api/session',
  'post /api/register',
  'post /api/passkeys/login/options',
  'post /api/passkeys/login/verify',
  // the second step of a sign-in: the mfa_token in the body is the credential
  'post /api/mfa/verify',
  'post /api/mfa/passkey/options',
  'post /api/mfa/passkey/verify',
  'post /api/mfa/enroll/setup',
  'post /api/mfa/enroll/confirm',
  'post /api/mfa/password',
]);

/**
 * The access policy, written independently of the route declarations: a route that drifts (e.g. becomes public,
 * or audit logs readable by viewers) fails here even though the walk below would follow its new declaration.
 */
function policy(method: string, path: string): string {
  if (PUBLIC.has(`${method} ${path}`)) return 'public';
  if (path === '/api/users/me' || path === '/api/users/me/password') return 'authenticated';
  if (path === '/api/mfa/policy') return 'users:manage';
  // your own credentials: any signed-in user (admins also reach other users' through the same routes)
  if (
    path.startsWith('/api/tokens') ||
    path.startsWith('/api/sessions') ||
    path.startsWith('/api/passkeys') ||
    path.startsWith('/api/mfa')
  ) {
    return 'authenticated';
  }
  if (path.startsWith('/api/users')) return 'users:manage';
  if (method === 'post' && path === '/api/audit/checkpoints') return 'audit:checkpoint';
  if (path.startsWith('/api/audit/') || path.startsWith('/api/compliance')) return 'audit:read';
  if (path.startsWith('/api/demo/')) return 'demo:seed';
  // a replay over stored minutes: a read, though it is a POST
  if (path === '/api/alert-rules/preview') return 'alerts:read';
  // a TCO scenario is worked out, nothing is stored: a read, though it is a POST
  if (path === '/api/cost/tco') return 'inventory:read';
  if (path.startsWith('/api/alert-rules')) return method === 'get' ? 'alerts:read' : 'alerts:configure';
  if (path.startsWith('/api/alerts')) return method === 'get' ? 'alerts:read' : 'alerts:respond';
  if (path === '/api/live/alerts') return 'alerts:read';
  // the anomaly feed lists alerts
  if (path === '/api/analytics/anomalies') return 'alerts:read';
  if (path.startsWith('/api/incidents')) return method === 'get' ? 'alerts:read' : 'alerts:respond';
  if (/^\/api\/(notification-channels|escalation-policies|oncall-schedules|notifications|maintenance)\b/.test(path)) {
    return method === 'get' ? 'alerts:read' : 'alerts:configure';
  }
  if (path === '/api/agents/connect') return 'agents:connect';
  if (
    /^\/api\/vms\/\{id\}\/(start|stop|restart|migrate|snapshots|clone)$/.test(path) ||
    path === '/api/vm-operations/{id}/cancel'
  ) {
    return 'vms:operate';
  }
  if (path.startsWith('/api/vm-snapshots')) return method === 'get' ? 'inventory:read' : 'vms:operate';
  if (path.startsWith('/api/optimisation/')) return method === 'get' ? 'inventory:read' : 'vms:operate';
  if (/^\/api\/remediation\/runs\/\{id\}\/(approve|reject)$/.test(path)) return 'vms:operate';
  if (path.startsWith('/api/remediation/')) return method === 'get' ? 'alerts:read' : 'alerts:configure';
  if (path.startsWith('/api/vm-scaling-')) return method === 'get' ? 'inventory:read' : 'vms:operate';
  if (path.startsWith('/api/autoscale-')) return method === 'get' ? 'inventory:read' : 'vms:operate';
  if (/^\/api\/containers\/\{id\}\/(scale|rollout)$/.test(path)) return 'vms:operate';
  if (/^\/api\/workload-operations\/\{id\}\/(pause|resume|cancel)$/.test(path)) return 'vms:operate';
  if (method === 'post' && INGEST.has(path)) return 'metrics:ingest';
  return method === 'get' ? 'inventory:read' : 'inventory:write';
}

beforeAll(async () => {
  admin = await adminToken();
  tokens.admin = admin;
  for (const role of ['operator', 'viewer', 'auditor'] as const) {
    const u = await createUser(role, admin);
    users[role] = u;
    tokens[role] = u.token;
  }
  for (const role of ROLES) passkeys[role] = (await registerPasskey(tokens[role]!, `${role} key`)).auth;
  {
    const u = await createUser('viewer', admin);
    const pk = await registerPasskey(u.token, 'mfa key');
    const setup = await api('/api/mfa/totp/setup', { method: 'POST', token: u.token });
    const confirm = await api('/api/mfa/totp/confirm', {
      token: u.token,
      json: { code: await totp(setup.body.secret, Date.now()) },
    });
    mfaUser = { username: u.username, password: u.password, recovery: confirm.body.recovery_codes, passkey: pk.auth };
  }
  targetUser = await createUser('viewer', admin);
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id, u_capacity: 52, power_capacity_kw: 200 });
  server = await createServer(admin, { rack_id: rack.id, u_position: nextU++ });
  matrixFeed = await newFeed();
});

describe('role matrix', () => {
  it('every registered route answers each role as PERMISSIONS says, and anonymous callers get 401', async () => {
    const doc = (await api('/api/openapi.json')).body;
    const routes: Route[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        routes.push({
          method,
          path,
          access: op['x-required-permission'],
          hasBody: op.requestBody !== undefined,
          csv: op.requestBody?.content?.['text/csv'] !== undefined,
        });
      }
    }
    // signing out revokes the caller's session: walk that route last
    routes.sort(
      (a, b) =>
        Number(a.path === '/api/session' && a.method === 'delete') -
        Number(b.path === '/api/session' && b.method === 'delete'),
    );
    // the document is built from the same declarations as the router, so this is every route (see openapi.test.ts)
    expect(routes.length).toBeGreaterThanOrEqual(30);

    const known = new Set(['public', 'authenticated', ...Object.keys(PERMISSIONS)]);
    const mismatches: string[] = [];
    const seen: string[] = [];
    const callers: Caller[] = ['anonymous', ...ROLES];

    for (const route of routes) {
      const label = `${route.method.toUpperCase()} ${route.path}`;
      expect(known, `${label} declares an unknown permission "${route.access}"`).toContain(route.access);
      expect(route.access, `${label} needs a different permission than the policy says`).toBe(
        policy(route.method, route.path),
      );
      const recipe = BODIES[`${route.method} ${route.path}`];
      if (route.hasBody && !recipe && !route.csv)
        throw new Error(`role matrix: no request body for ${label}; add one to BODIES`);

      for (const caller of callers) {
        const path = (
          route.path.includes('{snapshot_id}')
            ? await storageSnapshotPath(route.path)
            : route.path.includes('{id}')
              ? route.path.replace('{id}', String(await idFor(route, caller)))
              : route.path
        ).replace('{framework}', 'iso27001');
        const query = route.csv ? 'dry_run=true' : QUERIES[`${route.method} ${route.path}`]?.();
        const res = await api(query ? `${path}?${query}` : path, {
          method: route.method.toUpperCase(),
          token: caller === 'anonymous' ? undefined : tokens[caller],
          ...(recipe
            ? await recipe(caller)
            : route.csv
              ? { body: 'id\n', headers: { 'content-type': 'text/csv' } }
              : (RAW_BODIES[`${route.method} ${route.path}`]?.() ?? {})),
        });
        seen.push(`${label} as ${caller}`);
        await AFTER[`${route.method} ${route.path}`]?.(caller);

        let expected: 'allowed' | 401 | 403;
        if (route.access === 'public') expected = 'allowed';
        else if (caller === 'anonymous') expected = 401;
        else if (route.access === 'authenticated') expected = 'allowed';
        else
          expected = (PERMISSIONS[route.access as Permission] as readonly string[]).includes(caller) ? 'allowed' : 403;

        const problem = res.headers.get('content-type')?.startsWith('application/problem+json');
        const grantedStatus = GRANTED_STATUS[`${route.method} ${route.path}`];
        const ok =
          expected === 'allowed'
            ? // granted: the call went through (the fixtures make every granted call succeed)
              grantedStatus
              ? res.status === grantedStatus
              : res.status >= 200 && res.status < 300
            : res.status === expected && problem && res.body.status === expected;
        if (!ok)
          mismatches.push(`${label} as ${caller}: expected ${expected}, got ${res.status} ${res.text.slice(0, 160)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(seen).toHaveLength(routes.length * callers.length);
  }, 600_000);
});

describe('the permission matrix itself', () => {
  it('grants what the roles are meant to do', () => {
    // admin: everything; operator: inventory changes; viewer: read-only; auditor: read-only plus the audit trail
    // (reading and verifying it; signing a checkpoint is an admin's act)
    expect(PERMISSIONS).toEqual({
      'inventory:read': ['admin', 'operator', 'viewer', 'auditor'],
      'inventory:write': ['admin', 'operator'],
      'audit:read': ['admin', 'auditor'],
      'audit:checkpoint': ['admin'],
      'users:manage': ['admin'],
      'demo:seed': ['admin'],
      'metrics:ingest': ['admin', 'operator'],
      'alerts:read': ['admin', 'operator', 'viewer', 'auditor'],
      'alerts:respond': ['admin', 'operator'],
      'alerts:configure': ['admin', 'operator'],
      'vms:operate': ['admin', 'operator'],
      'agents:connect': ['admin', 'operator'],
    });
    expect(ROLES).toEqual(['admin', 'operator', 'viewer', 'auditor']);
  });
});
