// Real-client test: Debian's Prometheus (2.x) in agent mode scrapes a fake node exporter and remote-writes to
// the Worker's /api/prom/write with an API token of scope "ingest"; the samples must show up in
// GET /api/metrics/latest within 60 s. Then GET /metrics (read-scoped token) must pass `promtool check metrics`,
// and the alert rules exported for Prometheus `promtool check rules`. Last, a second Prometheus in server mode
// sends its alerts to the platform as its Alertmanager (POST /api/v2/alerts); they must fire and then resolve.
// Needs `prometheus` and `promtool` on PATH (apt-get install -y prometheus; .ci/run installs it).
// Prints "N passed, M failed" and exits 1 on any failure. Env: PROMETHEUS, PROMTOOL (binaries), E2E_KEEP=1.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, startApp } from '../scripts/lib/dev-server.mjs';

const PROMETHEUS = process.env.PROMETHEUS ?? 'prometheus';
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`, ...a);
const expect = (cond, message) => {
  if (!cond) throw new Error(message);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const [bin, what] of [
  [PROMETHEUS, 'prometheus'],
  [PROMTOOL, 'promtool'],
]) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    console.error(
      `prometheus-agent: ${what} is not installed (${bin}: ${r.error?.code ?? `exit ${r.status}`}).\n` +
        'Install Debian\'s package: apt-get install -y prometheus (it ships both "prometheus" and "promtool").',
    );
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const portFree = (port) =>
  new Promise((resolve) => {
    const srv = createNetServer()
      .once('error', () => resolve(false))
      .once('listening', () => srv.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });
async function pickPort(from, taken = []) {
  for (let p = from; p < from + 100; p++) if (!taken.includes(p) && (await portFree(p))) return p;
  throw new Error(`no free port from ${from}`);
}

let passed = 0;
let failed = 0;
const failures = [];
async function step(title, fn) {
  const s = Date.now();
  try {
    await fn();
    passed++;
    log(`✓ ${title} (${Date.now() - s} ms)`);
  } catch (e) {
    failed++;
    failures.push(title);
    log(
      `✗ ${title}\n    ${String(e?.stack ?? e)
        .split('\n')
        .slice(0, 8)
        .join('\n    ')}`,
    );
  }
}

let server; // wrangler dev
let prom; // the prometheus agent process
let promLog = '';
let exporter; // the fake node exporter
let exporterPort;
let alerting; // a second prometheus, in server mode, with the platform as its Alertmanager
// its log goes to a file, read back when a step fails
const alertingLogFile = () => join(work, 'prometheus-server.log');
const readAlertingLog = () => {
  try {
    return readFileSync(alertingLogFile(), 'utf8');
  } catch {
    return '';
  }
};
let condition = 1; // e2e_alert_condition on the fake exporter: 1 fires the rule, 0 clears it
const work = mkdtempSync(join(tmpdir(), 'dc-e2e-prometheus-agent-'));

async function stopAll() {
  await stopProc(alerting);
  await stopProc(prom);
  await new Promise((r) => (exporter ? exporter.close(r) : r()));
  exporter?.closeAllConnections?.();
  await server?.stop();
  if (!process.env.E2E_KEEP) rmSync(work, { recursive: true, force: true });
}

async function stopProc(p) {
  if (p && p.exitCode === null) {
    try {
      process.kill(-p.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await Promise.race([new Promise((r) => p.once('exit', r)), sleep(5000)]);
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}
process.once('SIGINT', () => stopAll().finally(() => process.exit(130)));
process.once('SIGTERM', () => stopAll().finally(() => process.exit(143)));

try {
  // E2E_PORT fixes the platform's port; the exporter and Prometheus then take the next free ones after it
  const fixed = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : null;
  const port = fixed ?? (await pickPort(8791));
  server = await startApp({ port, env: { SEED: '0', SIMULATE: '0' } });
  const { base, origin } = server;
  log(`npm start running on ${origin}`);

  let access; // admin bearer
  let ingestToken;
  let readToken;
  let srv; // the demo server whose samples the agent pushes
  // unique per run, so a stale value cannot pass
  const cpu = Math.round((20 + Math.random() * 60) * 100) / 100;
  const probe = Math.round(Math.random() * 1e6) / 100;
  const netIn = Math.round(Math.random() * 1e9);
  const rackPower = Math.round((1 + Math.random() * 4) * 1000) / 1000;
  const api = (path, init = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${access}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });

  await step('sign in as admin and seed the demo estate', async () => {
    access = await adminToken(base);
    const seed = await api('/demo/seed', { method: 'POST', body: '{}' });
    const text = await seed.text();
    expect(seed.ok, `seed: ${seed.status} ${text}`);
    const body = JSON.parse(text);
    log('seeded', JSON.stringify(body));
    expect(body.servers > 0, `seed created ${body.servers} servers`);
  });

  await step('create an ingest token and a read token', async () => {
    const create = async (name, scopes) => {
      const r = await api('/tokens', { method: 'POST', body: JSON.stringify({ name, scopes }) });
      const text = await r.text();
      expect(r.status === 201 || r.status === 200, `POST /api/tokens ${scopes}: ${r.status} ${text}`);
      const body = JSON.parse(text);
      expect(/^dcp_/.test(body.token ?? ''), `no dcp_ token secret in ${text}`);
      expect(JSON.stringify(body.scopes) === JSON.stringify(scopes), `scopes ${JSON.stringify(body.scopes)}`);
      return body.token;
    };
    ingestToken = await create('prometheus-agent', ['ingest']);
    readToken = await create('prometheus-scrape', ['read']);
  });

  await step('pick a demo server and its rack', async () => {
    // a Public rack: higher zones may ask the reader for a passkey step-up
    const rr = await api('/racks?security_zone=Public&sort=-server_count&limit=1');
    const racks = JSON.parse(await rr.text());
    expect(rr.ok && racks.length === 1, `GET /api/racks: ${rr.status} ${JSON.stringify(racks).slice(0, 300)}`);
    // an active one: alerts about a server in maintenance are acknowledged by the window (Prometheus' alert below)
    const r = await api(`/servers?rack_id=${racks[0].id}&status=active&limit=1`);
    const text = await r.text();
    expect(r.ok, `GET /api/servers: ${r.status} ${text}`);
    const rows = JSON.parse(text);
    expect(Array.isArray(rows) && rows.length === 1, `servers: ${JSON.stringify(rows).slice(0, 300)}`);
    srv = rows[0];
    expect(srv.name && srv.id && srv.rack_id, `server row: ${JSON.stringify(srv)}`);
    log(`server ${srv.id} "${srv.name}" in rack ${srv.rack_id} (${srv.rack_name})`);
  });

  await step('GET /metrics without a token is refused', async () => {
    const r = await fetch(`${origin}/metrics`);
    await r.body?.cancel();
    expect(r.status === 401, `GET /metrics without a token: ${r.status}, expected 401`);
  });

  await step('Prometheus in agent mode scrapes a fake node exporter', async () => {
    expect(srv && ingestToken, 'needs the server and the ingest token from the steps above');
    // what a node exporter and a PDU exporter would serve (text exposition 0.0.4)
    const exposition = () =>
      [
        '# HELP cpu_pct CPU utilisation in percent.',
        '# TYPE cpu_pct gauge',
        `cpu_pct{server="${srv.name}"} ${cpu}`,
        '# HELP net_in_bps Network receive rate in bits per second.',
        '# TYPE net_in_bps gauge',
        `net_in_bps{server="${srv.name}"} ${netIn}`,
        '# HELP e2e_agent_probe A custom series, stored under its own name.',
        '# TYPE e2e_agent_probe gauge',
        `e2e_agent_probe{server="${srv.name}",probe="agent"} ${probe}`,
        '# HELP e2e_alert_condition What the alerting Prometheus rule of this test watches (1 fires it).',
        '# TYPE e2e_alert_condition gauge',
        `e2e_alert_condition{server="${srv.name}"} ${condition}`,
        '# HELP power_kw Rack PDU power in kilowatts.',
        '# TYPE power_kw gauge',
        `power_kw{rack="${srv.rack_id}"} ${rackPower}`,
        '',
      ].join('\n');
    let scrapes = 0;
    exporter = createHttpServer((req, res) => {
      if (req.url !== '/metrics') return res.writeHead(404).end();
      scrapes++;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(exposition());
    });
    exporterPort = await pickPort(fixed ? fixed + 1 : 9391, [port]);
    await new Promise((r) => exporter.listen(exporterPort, '127.0.0.1', r));

    const promPort = await pickPort(fixed ? fixed + 1 : 9491, [port, exporterPort]);
    writeFileSync(join(work, 'ingest-token'), ingestToken + '\n', { mode: 0o600 });
    const config = `# written by e2e/prometheus-agent.mjs
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: fake-node
    static_configs:
      - targets: ['127.0.0.1:${exporterPort}']
    metric_relabel_configs:
      # rack-level series (PDU, sensors) name their rack, not a host: no instance label
      - source_labels: [rack]
        regex: '.+'
        target_label: instance
        replacement: ''
remote_write:
  - url: http://127.0.0.1:${port}/api/prom/write
    name: dc-platform
    authorization:
      credentials_file: ${join(work, 'ingest-token')}
    write_relabel_configs:
      - source_labels: [__name__]
        regex: 'up|scrape_.+'
        action: drop
    queue_config:
      batch_send_deadline: 1s
      max_samples_per_send: 500
      min_backoff: 100ms
      max_backoff: 2s
`;
    writeFileSync(join(work, 'agent.yml'), config);
    const check = spawnSync(PROMTOOL, ['check', 'config', '--agent', join(work, 'agent.yml')], { encoding: 'utf8' });
    expect(check.status === 0, `promtool check config --agent: ${check.stdout}${check.stderr}`);

    prom = spawn(
      PROMETHEUS,
      [
        '--enable-feature=agent',
        `--config.file=${join(work, 'agent.yml')}`,
        `--storage.agent.path=${join(work, 'agent-data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    prom.stdout.on('data', (d) => (promLog += d));
    prom.stderr.on('data', (d) => (promLog += d));
    prom.promPort = promPort;
    const deadline = Date.now() + 30_000;
    for (;;) {
      expect(prom.exitCode === null, `prometheus exited with ${prom.exitCode}:\n${promLog.slice(-3000)}`);
      const ready = await fetch(`http://127.0.0.1:${promPort}/-/ready`).catch(() => null);
      if (ready?.ok && scrapes > 0) break;
      expect(Date.now() < deadline, `prometheus not ready/scraping after 30 s:\n${promLog.slice(-3000)}`);
      await sleep(250);
    }
    log(`prometheus agent on :${promPort} scraping :${exporterPort} (${scrapes} scrapes so far)`);
  });

  await step('the pushed samples appear in GET /api/metrics/latest within 60 s', async () => {
    expect(prom && prom.exitCode === null, 'the agent is not running');
    const started = Date.now();
    let last = '';
    for (;;) {
      const r = await api(`/metrics/latest?server_id=${srv.id}`);
      const text = await r.text();
      last = `${r.status} ${text.slice(0, 800)}`;
      if (r.ok) {
        const rows = JSON.parse(text);
        expect(Array.isArray(rows), `expected a JSON array, got ${last}`);
        const find = (metric) => rows.find((x) => x.metric === metric && x.server_id === srv.id);
        const c = find('cpu_pct');
        const p = find('e2e_agent_probe');
        if (c?.value === cpu && p?.value === probe) {
          expect(c.rack_id === srv.rack_id, `cpu_pct row rack_id ${c.rack_id}, expected ${srv.rack_id}`);
          expect(p.labels?.probe === 'agent', `e2e_agent_probe labels: ${JSON.stringify(p.labels)}`);
          expect(typeof c.ts === 'number' && Math.abs(Date.now() - c.ts) < 120_000, `cpu_pct ts ${c.ts}`);
          log(`samples visible after ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(c)}`);
          break;
        }
      }
      expect(prom.exitCode === null, `prometheus exited with ${prom.exitCode}:\n${promLog.slice(-3000)}`);
      if (Date.now() - started > 60_000)
        throw new Error(
          `no cpu_pct=${cpu} / e2e_agent_probe=${probe} for server ${srv.id} after 60 s; last answer: ${last}\n` +
            `--- prometheus log (tail) ---\n${promLog.slice(-2000)}`,
        );
      await sleep(1000);
    }
  });

  await step('the rack-level series reaches its rack', async () => {
    const started = Date.now();
    let last = '';
    for (;;) {
      const r = await api(`/metrics/latest?rack_id=${srv.rack_id}`);
      const text = await r.text();
      last = `${r.status} ${text.slice(0, 800)}`;
      if (r.ok) {
        const rows = JSON.parse(text);
        const row = Array.isArray(rows) && rows.find((x) => x.metric === 'power_kw' && x.server_id === null);
        if (row && row.value === rackPower) {
          expect(row.rack_id === srv.rack_id, `power_kw row rack_id ${row.rack_id}`);
          break;
        }
      }
      if (Date.now() - started > 20_000)
        throw new Error(`no rack-level power_kw=${rackPower} for rack ${srv.rack_id}; last answer: ${last}`);
      await sleep(1000);
    }
  });

  await step('the agent reports no failed sends', async () => {
    expect(prom?.promPort, 'the agent is not running');
    const text = await (await fetch(`http://127.0.0.1:${prom.promPort}/metrics`)).text();
    const sum = (name) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(name + '{') || l.startsWith(name + ' '))
        .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
    const sent = sum('prometheus_remote_storage_samples_total');
    const failedSends = sum('prometheus_remote_storage_samples_failed_total');
    const dropped = sum('prometheus_remote_storage_samples_dropped_total');
    log(
      `agent: ${sent} samples sent, ${failedSends} failed, ${dropped} dropped by write_relabel_configs (up, scrape_*)`,
    );
    expect(sent > 0, 'the agent sent no samples');
    expect(failedSends === 0, `${failedSends} samples failed (non-retryable errors: see the prometheus log)`);
    const complaints = promLog.split('\n').filter((l) => /level=(error|warn)/.test(l) && /remote|send/i.test(l));
    expect(complaints.length === 0, `remote write complaints:\n${complaints.slice(-10).join('\n')}`);
  });

  const scrape = () => fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${readToken}` } });
  await step('GET /metrics with a read token answers in text format 0.0.4', async () => {
    expect(readToken, 'needs the read token');
    const r = await scrape();
    const text = await r.text();
    expect(r.status === 200, `GET /metrics: ${r.status} ${text.slice(0, 500)}`);
    const type = r.headers.get('content-type') ?? '';
    expect(/^text\/plain/.test(type) && /version=0\.0\.4/.test(type), `content-type: ${type}`);
    expect(/^# (HELP|TYPE) dcp_/m.test(text), `no dcp_ families in ${text.slice(0, 300)}`);
  });

  await step('GET /metrics reflects the pushed samples', async () => {
    expect(srv && readToken, 'needs the server and the read token');
    const problems = (text) => {
      const lines = text.split('\n');
      const value = (l) => Number(l?.split(' ').pop());
      const out = [];
      const cpuLine = lines.find((l) => l.startsWith('dcp_server_cpu_percent{') && l.includes(`server_id="${srv.id}"`));
      if (value(cpuLine) !== cpu)
        out.push(`dcp_server_cpu_percent for server_id="${srv.id}": ${cpuLine}, expected ${cpu}`);
      const netLine = lines.find(
        (l) => /^dcp_server_network_receive_\w+\{/.test(l) && l.includes(`server_id="${srv.id}"`),
      );
      if (!netLine) out.push(`no dcp_server_network_receive_* series for server_id="${srv.id}"`);
      // the PDU reading is the rack's IT power
      const rackLine = lines.find((l) => l.startsWith('dcp_rack_power_kw{') && l.includes(`rack_id="${srv.rack_id}"`));
      if (value(rackLine) !== rackPower)
        out.push(`dcp_rack_power_kw for rack_id="${srv.rack_id}": ${rackLine}, expected ${rackPower}`);
      const ingestLine = lines.find((l) => /^dcp_ingest_samples_total\{format="prom_remote_write"\}/.test(l));
      if (!(value(ingestLine) > 0)) out.push(`dcp_ingest_samples_total for prom_remote_write: ${ingestLine}`);
      return out;
    };
    // the rack and datacenter summaries may trail the latest values by a moment
    const started = Date.now();
    for (;;) {
      const p = problems(await (await scrape()).text());
      if (!p.length) break;
      if (Date.now() - started > 15_000) throw new Error(p.join('\n'));
      await sleep(1000);
    }
  });

  await step('promtool check metrics accepts GET /metrics', async () => {
    expect(readToken, 'needs the read token');
    const r = await scrape();
    const text = await r.text();
    expect(r.status === 200, `GET /metrics: ${r.status}`);
    const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const out = `${lint.stdout}${lint.stderr}`.trim();
    log(
      `promtool check metrics (${text.split('\n').length} lines) → exit ${lint.status}${out ? `:\n${out}` : ', no complaints'}`,
    );
    expect(lint.status === 0, `promtool check metrics exited ${lint.status}`);
  });

  await step('promtool check rules accepts GET /api/alert-rules/export?format=prometheus', async () => {
    expect(readToken, 'needs the read token');
    const r = await fetch(`${base}/alert-rules/export?format=prometheus`, {
      headers: { authorization: `Bearer ${readToken}` },
    });
    const yaml = await r.text();
    expect(r.status === 200, `export: ${r.status} ${yaml.slice(0, 300)}`);
    const file = join(work, 'dc-platform-rules.yml');
    writeFileSync(file, yaml);
    const check = spawnSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8' });
    const out = `${check.stdout}${check.stderr}`.trim();
    log(`promtool check rules → exit ${check.status}:\n${out}`);
    expect(check.status === 0, `promtool check rules exited ${check.status}`);
    // the shipped metric rules: inlet above and below the ASHRAE A1 range, CPU
    const found = Number(/SUCCESS: (\d+) rules found/.exec(out)?.[1] ?? 0);
    expect(found >= 3, `${found} rules found`);
  });

  await step('Prometheus in server mode uses the platform as its Alertmanager: fire, then resolve', async () => {
    expect(exporter && ingestToken, 'needs the fake exporter and the ingest token');
    const rules = `groups:
  - name: e2e
    rules:
      - alert: E2EConditionRaised
        expr: e2e_alert_condition == 1
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.server }} raised the e2e condition"
`;
    writeFileSync(join(work, 'e2e-rules.yml'), rules);
    const config = `# written by e2e/prometheus-agent.mjs
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: ['${join(work, 'e2e-rules.yml')}']
scrape_configs:
  - job_name: fake-node
    static_configs:
      - targets: ['127.0.0.1:${exporterPort}']
alerting:
  alertmanagers:
    - api_version: v2
      path_prefix: /
      static_configs:
        - targets: ['127.0.0.1:${port}']
      authorization:
        credentials_file: ${join(work, 'ingest-token')}
`;
    writeFileSync(join(work, 'server.yml'), config);
    const check = spawnSync(PROMTOOL, ['check', 'config', join(work, 'server.yml')], { encoding: 'utf8' });
    expect(check.status === 0, `promtool check config: ${check.stdout}${check.stderr}`);
    const promPort = await pickPort(fixed ? fixed + 2 : 9591, [port, exporterPort, prom?.promPort]);
    const out = openSync(alertingLogFile(), 'a');
    alerting = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(work, 'server.yml')}`,
        `--storage.tsdb.path=${join(work, 'server-data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        // an alert that fires before the notifier has found its Alertmanager is sent again only after the resend
        // delay (1 min by default): every 2 s here, as the test has no minute to spare
        '--rules.alert.resend-delay=2s',
      ],
      { stdio: ['ignore', out, out], detached: true },
    );
    closeSync(out);
    const readyBy = Date.now() + 30_000;
    while (!(await fetch(`http://127.0.0.1:${promPort}/-/ready`).catch(() => null))?.ok) {
      expect(
        alerting.exitCode === null,
        `prometheus exited with ${alerting.exitCode}:\n${readAlertingLog().slice(-3000)}`,
      );
      expect(Date.now() < readyBy, `prometheus (server mode) not ready in 30 s:\n${readAlertingLog().slice(-3000)}`);
      await sleep(250);
    }
    const mine = async () => {
      const r = await api('/alerts?source=alertmanager&limit=100');
      const rows = await r.json();
      return rows.find((a) => a.labels?.alertname === 'E2EConditionRaised');
    };
    const waitFor = async (what, ok) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        expect(
          alerting.exitCode === null,
          `prometheus exited with ${alerting.exitCode}:\n${readAlertingLog().slice(-3000)}`,
        );
        const a = await mine();
        if (ok(a)) return a;
        if (Date.now() >= deadline) {
          // what Prometheus itself says: its rule, its alerts, the Alertmanagers it found, its targets
          const ask = async (p) =>
            (
              await fetch(`http://127.0.0.1:${promPort}${p}`)
                .then((r) => r.text())
                .catch((e) => String(e))
            ).slice(0, 1500);
          const state = [];
          for (const p of ['/api/v1/rules', '/api/v1/alertmanagers']) state.push(`${p}: ${await ask(p)}`);
          const metrics = await fetch(`http://127.0.0.1:${promPort}/metrics`)
            .then((r) => r.text())
            .catch(() => '');
          state.push(
            metrics
              .split('\n')
              .filter((l) => l.startsWith('prometheus_notifications_'))
              .join('\n'),
          );
          state.push(`platform alerts: ${JSON.stringify(await (await api('/alerts?limit=5')).json()).slice(0, 1500)}`);
          log(state.join('\n'));
          expect(
            false,
            `${what} not seen in 60 s; prometheus says:\n${state.join('\n')}\nlog:\n${readAlertingLog().slice(-3000)}`,
          );
        }
        await sleep(500);
      }
    };
    const fired = await waitFor('the firing alert', (a) => a?.status === 'firing');
    log(`alert ${fired.id}: ${fired.message} (server ${fired.server_id}, severity ${fired.severity})`);
    expect(fired.server_id === srv.id, `matched to server ${fired.server_id}, expected ${srv.id}`);
    expect(
      fired.severity === 'critical' && fired.message === `${srv.name} raised the e2e condition`,
      JSON.stringify(fired),
    );
    condition = 0; // the rule stops holding: Prometheus sends the resolution
    const resolved = await waitFor('the resolution', (a) => a?.status === 'resolved');
    log(`alert ${resolved.id} resolved by ${resolved.resolved_by} at ${resolved.resolved_at}`);
  });

  if (failed) console.error('--- npm start output (tail) ---\n' + server.log().slice(-3000));
} catch (e) {
  failed++;
  failures.push('setup');
  console.error('prometheus-agent: setup failed:', e);
} finally {
  await stopAll();
}
if (failures.length) console.log(`failed: ${failures.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
