// Browser test: the live telemetry UI (see e2e/lib/harness.mjs for the server, the browser and the step runner).
// Samples are pushed through the public ingest API with an "ingest" token, so the run does not depend on the
// simulator: a quarter of an hour of history for one rack, current readings for a whole datacenter, then fresh
// readings while the pages are open, which must show up without a reload.
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { adminApiToken, browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

await browserSuite('live', { port: 8920 }, async ({ page, context, origin, step, pageErrors }) => {
  const url = (p) => `${origin}${p}`;
  // from the top: a full-page capture of a scrolled page draws the fixed sidebar and topbar mid-page
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const text = async (sel) => (await page.locator(sel).first().innerText()).trim();
  const liveState = () => page.locator('[data-testid=live-status]').getAttribute('data-state');
  /** a chart has drawn a line (not just its clip rectangle) */
  const chartDrawn = (testid, segments = 10) =>
    page.waitForFunction(
      ([id, n]) =>
        [...document.querySelectorAll(`[data-testid=${id}] svg path`)].some(
          (p) => !p.closest('clipPath') && (p.getAttribute('d') ?? '').split(/[LC]/).length > n,
        ),
      [testid, segments],
      { timeout: 15_000 },
    );
  const waitLive = () =>
    page.waitForFunction(() => document.querySelector('[data-testid=live-status]')?.dataset.state === 'live', null, {
      timeout: 20_000,
    });

  let admin;
  let ingest;
  /** DC 1's racks and servers, and the rack the charts are checked on */
  const estate = { dc: null, racks: [], servers: [], rack: null, rackServers: [], server: null };

  const api = async (method, path, data, token = admin) => {
    const res = await page.request.fetch(url(`/api${path}`), {
      method,
      headers: { authorization: `Bearer ${token}` },
      ...(data !== undefined ? { data } : {}),
    });
    const body = await res.text();
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${body.slice(0, 500)}`);
    return body ? JSON.parse(body) : undefined;
  };
  const push = async (samples) => {
    for (let i = 0; i < samples.length; i += 8000) {
      const r = await api('POST', '/metrics/ingest', samples.slice(i, i + 8000), ingest);
      if (r && typeof r === 'object' && (r.rejected ?? 0) > 0) log('ingest rejected some samples', JSON.stringify(r));
    }
  };

  // a smooth, slightly noisy value per device and metric
  const wave = (seed, t, base, amp) =>
    base + amp * Math.sin(t / 90_000 + seed) + amp * 0.25 * Math.sin(t / 13_000 + seed * 3);
  const serverSamples = (s, i, ts, boost = 0) => [
    { server: s.id, metric: 'cpu_pct', value: Math.max(1, Math.min(99, wave(i, ts, 38, 14) + boost * 10)), ts },
    { server: s.id, metric: 'mem_pct', value: wave(i + 1, ts, 55, 6), ts },
    { server: s.id, metric: 'disk_pct', value: 40 + (i % 7) * 5, ts },
    { server: s.id, metric: 'power_w', value: s.power_supply_w * (0.45 + boost * 0.2) + wave(i, ts, 0, 40), ts },
    { server: s.id, metric: 'inlet_temp_c', value: wave(i, ts, 22 + (i % 5) * 0.6, 0.8) + boost, ts },
    { server: s.id, metric: 'outlet_temp_c', value: wave(i, ts, 32 + (i % 5) * 0.6, 1.2) + boost * 2, ts },
    { server: s.id, metric: 'fan_rpm', value: wave(i, ts, 5200, 400), ts },
    { server: s.id, metric: 'net_in_bps', value: Math.max(0, wave(i, ts, 6e8, 3e8)), ts },
    { server: s.id, metric: 'net_out_bps', value: Math.max(0, wave(i + 2, ts, 4e8, 2e8)), ts },
  ];
  const rackSamples = (r, k, ts, boost = 0) => [
    { rack: r.id, metric: 'power_kw', value: r.power_capacity_kw * (0.3 + (k % 6) * 0.1) + boost, ts },
    { rack: r.id, metric: 'inlet_temp_c', value: 19 + (k % 9) * 1.3 + wave(k, ts, 0, 0.3) + boost, ts },
    { rack: r.id, metric: 'humidity_pct', value: wave(k, ts, 45, 3), ts },
  ];

  await step('sign in as admin, seed the demo estate, make an ingest token', async () => {
    await page.goto(url('/login'));
    await page.fill('#username', 'admin');
    await page.fill('#password', 'admin123');
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/');
    admin = await adminApiToken(page, origin);
    const seed = await api('POST', '/demo/seed', {});
    log('seeded', JSON.stringify(seed));
    ingest = (await api('POST', '/tokens', { name: 'e2e live', scopes: ['ingest'] })).token;
    expect(typeof ingest === 'string' && ingest.length > 10, 'ingest token');

    const dcs = await api('GET', '/datacenters?limit=100&sort=name');
    estate.dc = dcs[0];
    estate.racks = await api('GET', `/racks?datacenter_id=${estate.dc.id}&limit=1000`);
    estate.servers = await api('GET', `/servers?datacenter_id=${estate.dc.id}&limit=1000`);
    // the rack with most active servers
    const count = (r) => estate.servers.filter((s) => s.rack_id === r.id && s.status === 'active').length;
    estate.rack = [...estate.racks].sort((a, b) => count(b) - count(a))[0];
    estate.rackServers = estate.servers.filter((s) => s.rack_id === estate.rack.id && s.status === 'active');
    estate.server = estate.rackServers[0];
    log(`${estate.dc.name}: ${estate.racks.length} racks; rack ${estate.rack.name} with ${estate.rackServers.length}`);
  });

  await step('before any sample: the dashboard says there is no telemetry yet', async () => {
    await page.goto(url('/'));
    await waitLive();
    await page.locator('[data-testid=no-telemetry]').waitFor();
    expect((await text('[data-testid=kpi-it-power]')) === '—', 'no IT power without telemetry');
    expect((await text('[data-testid=no-telemetry]')).includes('npm run simulate'), 'how to start the simulator');
    await page.waitForTimeout(300);
    await shot('live-dashboard-empty');
  });

  await step('push 15 minutes of history and current readings through the ingest API', async () => {
    const now = Date.now();
    const samples = [];
    // IT power is the racks' PDUs (rackSamples): facility power a third above it, a PUE of about 1.35
    const it = estate.racks.reduce((s, r, k) => s + r.power_capacity_kw * (0.3 + (k % 6) * 0.1), 0);
    for (let ts = now - 15 * 60_000; ts <= now; ts += 10_000) {
      estate.rackServers.forEach((s, i) => samples.push(...serverSamples(s, i, ts)));
      estate.racks.forEach((r, k) => samples.push(...rackSamples(r, k, ts)));
      samples.push({ datacenter: estate.dc.id, metric: 'facility_power_kw', value: it * 1.35 + wave(0, ts, 0, 2), ts });
    }
    // the other racks' servers: current readings only
    estate.servers
      .filter((s) => s.rack_id !== estate.rack.id && s.status === 'active')
      .forEach((s, i) => samples.push(...serverSamples(s, i, now).slice(0, 5)));
    log(`pushing ${samples.length} samples`);
    await push(samples);
    const latest = await api('GET', `/metrics/latest?rack_id=${estate.rack.id}`);
    expect(latest.length > estate.rackServers.length, `latest values of the rack: ${latest.length}`);
  });

  let before = '';
  await step('dashboard: the live indicator reaches "live" and the KPIs and floor map fill in', async () => {
    await page.goto(url(`/?dc=${estate.dc.id}`));
    await waitLive();
    await page.locator('[data-testid=kpi-it-power]').waitFor();
    await page.waitForFunction(
      () => /kW$/.test(document.querySelector('[data-testid=kpi-it-power]')?.textContent?.trim() ?? ''),
      null,
      { timeout: 15_000 },
    );
    before = await text('[data-testid=kpi-it-power]');
    log('IT power', before, '· PUE', await text('[data-testid=kpi-pue]'));
    expect(before !== '—' && !before.startsWith('0 '), `IT power: ${before}`);
    expect(/PUE\s*1\.\d\d/.test(await text('[data-testid=kpi-pue]')), 'PUE is metered');
    const tiles = await page.locator(`[data-testid=floor-map-${estate.dc.id}] [data-testid=floor-tile]`).count();
    expect(tiles === estate.racks.length, `${tiles} floor tiles for ${estate.racks.length} racks`);
    const coloured = await page.locator('[data-testid=floor-tile]:not(.nodata)').count();
    expect(coloured === estate.racks.length, `${coloured} coloured tiles`);
    expect((await page.locator('[data-testid=kpi-hottest] li').count()) === 5, 'five hottest racks');
    // the inventory KPIs are still the eight of before
    expect((await page.locator('[data-testid=kpi]').count()) === 8, 'inventory KPI cards');
    await page.waitForTimeout(800);
    await shot('live-dashboard');
  });

  await step('new samples move the IT power KPI without a reload', async () => {
    await page.evaluate(() => (window.__noReload = true));
    const now = Date.now();
    const samples = [];
    estate.racks.forEach((r, k) => samples.push(...rackSamples(r, k, now, 1.5)));
    await push(samples);
    await page.waitForFunction(
      (prev) => {
        const t = document.querySelector('[data-testid=kpi-it-power]')?.textContent?.trim();
        return t && t !== prev;
      },
      before,
      { timeout: 15_000 },
    );
    const after = await text('[data-testid=kpi-it-power]');
    log(`IT power ${before} → ${after}`);
    expect(await page.evaluate(() => window.__noReload === true), 'the page was not reloaded');
    expect(parseFloat(after.replace(/,/g, '')) > parseFloat(before.replace(/,/g, '')), 'it went up');
    expect((await liveState()) === 'live', 'still live');
  });

  await step('the telemetry simulator (npm run simulate) keeps the dashboard moving', async () => {
    // the real simulator, as `npm start` runs it, pushing every 2 s through the public ingest API
    const sim = spawn(
      process.execPath,
      ['scripts/simulate.mjs', '--base', origin, '--rate', '2s', '--anomaly-every', 'off'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    sim.stdout.on('data', (b) => (out += b));
    sim.stderr.on('data', (b) => (out += b));
    try {
      const seen = new Set([await text('[data-testid=kpi-it-power]')]);
      const until = Date.now() + 60_000;
      // two changes in a row: the simulator's ticks, not one stray update
      while (seen.size < 3 && Date.now() < until) {
        await page.waitForTimeout(500);
        seen.add(await text('[data-testid=kpi-it-power]'));
      }
      log('IT power while the simulator runs:', [...seen].join(' → '));
      expect(seen.size >= 3, `the IT power KPI did not move with the simulator: ${[...seen]}\n${out.slice(-1500)}`);
      expect((await liveState()) === 'live', 'still live');
    } finally {
      sim.kill('SIGTERM');
    }
  });

  await step('floor map: tooltip, power colouring, click opens the rack', async () => {
    const tile = page.locator(`[data-testid=floor-tile][data-rack="${estate.rack.id}"]`);
    await tile.hover();
    const tip = page.locator('[role=tooltip]');
    await tip.waitFor();
    const t = await tip.innerText();
    expect(t.includes(estate.rack.name) && /°C/.test(t) && /kW/.test(t), `tooltip: ${t}`);
    await page.click('[data-testid=map-mode-power]');
    await page.waitForFunction(
      (id) => /%$/.test(document.querySelector(`[data-testid=floor-tile][data-rack="${id}"] .val`)?.textContent ?? ''),
      estate.rack.id,
    );
    await shot('live-dashboard-power');
    await tile.hover();
    await tip.waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(SHOTS, 'live-floor-tooltip.png') });
    await tile.click();
    await page.waitForURL((u) => u.pathname === `/racks/${estate.rack.id}`);
  });

  await step('rack page: live readouts, charts seeded with history, values move, elevation coloured', async () => {
    await page.locator('[data-testid=rack-power]').waitFor();
    await waitLive();
    await chartDrawn('chart-rack-power');
    await chartDrawn('chart-server-power');
    const values = await page.locator('[data-testid=elevation-value]').allInnerTexts();
    expect(values.filter((v) => /°C/.test(v)).length >= estate.rackServers.length, `elevation: ${values.join(' ')}`);
    const p0 = await text('[data-testid=rack-power]');
    await push(rackSamples(estate.rack, 0, Date.now(), 3));
    await page.waitForFunction(
      (prev) => document.querySelector('[data-testid=rack-power]')?.textContent?.trim() !== prev,
      p0,
      { timeout: 15_000 },
    );
    log(`rack power ${p0} → ${await text('[data-testid=rack-power]')}`);
    await page.waitForTimeout(1500);
    await shot('live-rack');
    await page.click('[data-testid=elev-mode-power]');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=elevation-value]')].some((e) => / W$|kW$/.test(e.textContent)),
    );
    // clipped from a full-page capture taken from the top, so the sticky top bar does not cover it
    await page.evaluate(() => window.scrollTo(0, 0));
    const box = await page.locator('[data-testid=rack-elevation]').boundingBox();
    await page.screenshot({ path: join(SHOTS, 'live-rack-elevation-power.png'), fullPage: true, clip: box });
  });

  await step('server page: current values with 5-minute statistics, ranges 1 h / 24 h / 7 d / 30 d', async () => {
    await page.goto(url(`/servers/${estate.server.id}`));
    await page.locator('[data-testid=current-cpu_pct]').waitFor();
    await page.waitForFunction(() =>
      /%$/.test(document.querySelector('[data-testid=current-cpu_pct]')?.textContent ?? ''),
    );
    await chartDrawn('chart-util');
    expect((await text('[data-testid=server-current]')).includes('p95'), 'min / max / p95 shown');
    await page.waitForTimeout(800);
    await shot('live-server-1h');
    for (const r of ['24h', '7d', '30d', '1h']) {
      await page.click(`[data-testid=range-${r}]`);
      if (r !== '1h') await page.waitForURL((u) => u.searchParams.get('range') === r);
      await page.locator(`[data-testid=server-charts][data-range="${r}"]:not(.dim)`).waitFor();
      // a quarter of an hour of history is a few points at the longer ranges' steps
      await chartDrawn('chart-power', 1);
      if (r === '7d') {
        await page.waitForTimeout(500);
        await shot('live-server-7d');
      }
    }
    // the live tail: a new reading lands in the current values
    const c0 = await text('[data-testid=current-power_w]');
    await push([{ server: estate.server.id, metric: 'power_w', value: 777, ts: Date.now() }]);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=current-power_w]')?.textContent?.trim() === '777 W',
    );
    log(`server power ${c0} → 777 W`);
  });

  await step('monitoring: every server of the datacenter with its latest readings', async () => {
    await push([{ server: estate.server.id, metric: 'power_w', value: 777, ts: Date.now() }]);
    await page.click('.sidebar a[href="/monitoring"]');
    await page.waitForURL((u) => u.pathname === '/monitoring');
    await page.selectOption('[data-testid=monitoring-dc]', String(estate.dc.id));
    await page.locator('[data-testid=monitoring-table] tbody tr[data-state=reporting]').first().waitFor();
    await page.waitForFunction(
      (n) =>
        document
          .querySelector('[data-testid=monitoring-table] [data-testid=table-count]')
          ?.textContent?.includes(`of ${n} servers`),
      estate.servers.length,
    );
    await page.fill('[data-testid=monitoring-table] input[type=search]', estate.server.name);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=monitoring-table] tbody tr').length === 1);
    expect((await text('[data-testid=monitoring-table] tbody tr')).includes('777 W'), 'latest power shown');
    await page.fill('[data-testid=monitoring-table] input[type=search]', '');
    await page.waitForTimeout(300);
    await shot('live-monitoring');
  });

  await step('connection loss: the indicator shows it and the sockets come back', async () => {
    await page.goto(url(`/?dc=${estate.dc.id}`));
    await waitLive();
    await context.setOffline(true);
    await page.waitForFunction(
      () => ['offline', 'reconnecting'].includes(document.querySelector('[data-testid=live-status]')?.dataset.state),
      null,
      { timeout: 10_000 },
    );
    log('while offline:', await liveState());
    await context.setOffline(false);
    await waitLive();
  });

  await step('dark theme', async () => {
    await page.evaluate(() => localStorage.setItem('theme', 'dark'));
    await page.goto(url(`/racks/${estate.rack.id}`));
    await chartDrawn('chart-rack-power');
    await waitLive();
    await page.waitForTimeout(1000);
    await shot('live-rack-dark');
    await page.goto(url('/'));
    await page.locator('[data-testid=floor-tile]:not(.nodata)').first().waitFor();
    await page.waitForTimeout(800);
    await shot('live-dashboard-dark');
    await page.evaluate(() => localStorage.removeItem('theme'));
  });

  await step('no errors in the page', async () => {
    expect(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  });
});
