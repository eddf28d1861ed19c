// Power & cooling in a browser, on the demo estate (no simulator: the history is written here, through the demo
// history route, so every figure is known): a rack of a site made hot, one server idle for a week and one busy,
// two weeks of PUE. The page, reached from the sidebar, shows the API's numbers — hot racks, the inlet chart
// against the 18–27 °C band, the idle server with its evidence and saving, power caps, a VM to move off the hot
// rack whose Migrate link opens the VM's migrate dialog, the setpoint rule with its source — and a site without
// data shows its empty states. Screenshots: e2e/screenshots/efficiency-*.png.
import { adminApiToken, browserSuite, signInAdmin } from './lib/harness.mjs';

const H = 3_600_000;

browserSuite('efficiency', { port: 8885, env: { SEED: '1' } }, async ({ page, origin, step, shot, expect }) => {
  const url = (p) => `${origin}${p}`;
  let call;
  let dc, hotRack, hotVm, idleServer, busyServer;

  await step('sign in; a week of history for one site: a hot rack, an idle and a busy server, PUE', async () => {
    call = await signInAdmin(page, origin, expect);
    // a Worker reload while `npm start` seeds (files edited under wrangler dev) loses the estate: seed it again
    if (!(await call('GET', '/datacenters?limit=1')).length) await call('POST', '/demo/seed', {});
    for (const d of await call('GET', '/datacenters?sort=name')) {
      const vms = await call('GET', `/vms?datacenter_id=${d.id}&status=running&limit=1000`);
      if (vms.length > 1) {
        dc = d;
        hotVm = vms[0];
        break;
      }
    }
    expect(dc, 'a site with running VMs');
    const host = await call('GET', `/servers/${hotVm.host_server_id}`);
    hotRack = await call('GET', `/racks/${host.rack_id}`);
    const racks = await call('GET', `/racks?datacenter_id=${dc.id}&limit=1000`);
    const servers = await call('GET', `/servers?datacenter_id=${dc.id}&status=active&limit=1000`);
    const hosts = new Set((await call('GET', `/vms?datacenter_id=${dc.id}&limit=1000`)).map((v) => v.host_server_id));
    const others = servers.filter((s) => s.rack_id !== hotRack.id && !hosts.has(s.id) && s.power_supply_w > 0);
    [idleServer, busyServer] = others;
    expect(idleServer && busyServer, 'two servers without VMs outside the hot rack');

    const top = Math.floor(Date.now() / H) * H;
    const rows = [];
    // [rack, server, metric, step, bucket, count, sum, min, max, last, p95]
    const row = (rack, server, metric, ts, mean, max) => [
      rack,
      server,
      metric,
      3600,
      ts,
      360,
      360 * mean,
      mean,
      max,
      mean,
      mean,
    ];
    for (let k = 1; k <= 24; k++) {
      racks.forEach((r, i) => {
        // the hot rack at 28.4 °C; the others spread 21–24 °C
        const mean = r.id === hotRack.id ? 28.4 : 21 + (i % 7) * 0.5;
        rows.push(row(r.id, 0, 'inlet_temp_c', top - k * H, mean, mean + 0.3));
      });
    }
    for (let k = 1; k <= 168; k++) {
      const ts = top - k * H;
      rows.push(row(idleServer.rack_id, idleServer.id, 'cpu_pct', ts, 2, 3.5));
      rows.push(row(idleServer.rack_id, idleServer.id, 'power_w', ts, 140, 150));
      rows.push(row(busyServer.rack_id, busyServer.id, 'cpu_pct', ts, 45, 90));
      rows.push(
        row(
          busyServer.rack_id,
          busyServer.id,
          'power_w',
          ts,
          0.3 * busyServer.power_supply_w,
          0.4 * busyServer.power_supply_w,
        ),
      );
    }
    // two weeks of PUE: the week before 1.45, this week 1.40 on the same IT load
    const pue = [];
    for (let k = 1; k <= 336; k++) {
      const p = k > 168 ? 1.45 : 1.4;
      pue.push([dc.id, top - k * H, 6, 6 * 300 * p, 6 * 300, p - 0.01, p + 0.01]);
    }
    const r = await page.request.post(url('/api/demo/history'), {
      headers: { authorization: `Bearer ${await adminApiToken(page, origin)}` },
      data: { rows, pue },
    });
    expect(r.ok(), `history: ${r.status()} ${await r.text()}`);
  });

  await step('the page, from the sidebar, shows the API’s cooling figures and the 18–27 °C chart', async () => {
    await page.click('nav >> text=Power & cooling');
    await page.waitForURL((u) => u.pathname === '/efficiency');
    await page.selectOption('[data-testid=efficiency-dc]', String(dc.id));
    const api = await call('GET', `/efficiency/cooling?datacenter_id=${dc.id}`);
    expect(api.summary.hot >= 1, `a hot rack: ${JSON.stringify(api.summary)}`);
    const hot = api.racks.find((x) => x.rack_id === hotRack.id);
    expect(hot?.status === 'hot' && hot.max_c === 28.4, `the hot rack: ${JSON.stringify(hot)}`);
    await page.locator('[data-testid=inlet-chart] svg').first().waitFor();
    await page.locator('[data-testid=kpi-hot-value]', { hasText: String(api.summary.hot) }).waitFor();
    const rows = await page.locator('[data-testid=racks-table] tbody tr').count();
    expect(rows === api.racks.length, `${rows} rack rows for ${api.racks.length} racks`);
    const first = await page.locator('[data-testid=racks-table] tbody tr').first().textContent();
    expect(first.includes(hotRack.name) && /hot/i.test(first), `the hot rack leads the table: ${first}`);
    // the chart draws one mean dot per measured rack
    const dots = await page.locator('[data-testid=inlet-chart] svg circle').count();
    expect(dots === api.summary.measured, `${dots} dots for ${api.summary.measured} measured racks`);
    expect(
      await page
        .locator('[data-testid=room-spread]')
        .textContent()
        .then((t) => t.includes(api.room.text.slice(0, 20))),
      'the room spread text',
    );
    await shot('efficiency-cooling');
    await page.locator('[data-testid=cooling-card]').screenshot({ path: 'e2e/screenshots/efficiency-inlets.png' });
  });

  await step('the setpoint holds over the hot spot, and its rule is stated with its source', async () => {
    const text = await page.locator('[data-testid=setpoint-text]').textContent();
    expect(/hot spot/.test(text), `no raise over a hot spot: ${text}`);
    const rule = page.locator('[data-testid=setpoint-rule]');
    expect((await rule.textContent()).includes('4 %'), 'the rule of thumb is stated');
    expect((await rule.locator('a[href*="energystar.gov"]').count()) === 1, 'the ENERGY STAR source is linked');
  });

  await step('a VM of the hot rack is to move; its Migrate link opens the VM with its migrate action', async () => {
    const api = await call('GET', `/efficiency/cooling?datacenter_id=${dc.id}`);
    expect(api.moves.length > 0, `a move: ${JSON.stringify(api.unplaced)}`);
    const rows = await page.locator('[data-testid=moves-table] tbody tr').count();
    expect(rows === api.moves.length, `${rows} move rows for ${api.moves.length}`);
    expect(
      api.moves.every((m) => m.rack_id === hotRack.id && m.to_rack_id !== hotRack.id),
      'off the hot rack',
    );
    await page.locator('[data-testid=moves-card]').screenshot({ path: 'e2e/screenshots/efficiency-moves.png' });
    await page.locator('[data-testid=move-migrate]').first().click();
    await page.waitForURL((u) => u.pathname === `/vms/${api.moves[0].vm_id}`);
    await page.locator('[data-testid=op-migrate]').waitFor();
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/efficiency');
  });

  await step('the idle server with its evidence and saving, the power caps, the PUE drivers', async () => {
    await page.selectOption('[data-testid=efficiency-dc]', String(dc.id));
    const api = await call('GET', `/efficiency/recommendations?datacenter_id=${dc.id}`);
    const idle = api.idle.servers.find((s) => s.server_id === idleServer.id);
    expect(idle && idle.evidence.hours === 168 && idle.evidence.mean_cpu_pct === 2, `idle: ${JSON.stringify(idle)}`);
    // 140 W × 24 h × 365 = 1226.4 kWh IT, × the PUE measured this week (1.4) = 1716.96 kWh
    expect(
      idle.saving.it_kwh_year === 1226.4 && idle.saving.facility_kwh_year === 1717,
      `saving: ${JSON.stringify(idle.saving)}`,
    );
    expect(!api.idle.servers.some((s) => s.server_id === busyServer.id), 'the busy server is not idle');
    const row = page.locator('[data-testid=idle-table] tbody tr', { hasText: idleServer.name });
    await row.waitFor();
    const text = await row.textContent();
    expect(text.includes('1,717 kWh') && text.includes('168/168'), `the idle row: ${text}`);
    if (idle.saving.cost_year !== null) expect(!text.includes('needs a tariff'), 'priced by the demo tariff');
    const cap = api.capping.servers.find((s) => s.server_id === busyServer.id);
    expect(cap, 'the busy server gets a cap');
    await page.locator('[data-testid=caps-table] tbody tr', { hasText: busyServer.name }).waitFor();
    expect(api.pue.drivers?.main_driver === 'overhead', `PUE drivers: ${JSON.stringify(api.pue.drivers)}`);
    const drivers = await page.locator('[data-testid=pue-drivers-text]').textContent();
    expect(drivers.includes('1.450') && drivers.includes('1.400'), `drivers text: ${drivers}`);
    await page.locator('[data-testid=idle-card]').screenshot({ path: 'e2e/screenshots/efficiency-idle.png' });
    await shot('efficiency-page');
  });

  await step('a site without telemetry shows its empty states', async () => {
    const empty = await call('POST', '/datacenters', { name: 'E2E empty site', location: 'Nowhere', tier: 'Tier 3' });
    await page.goto(url('/efficiency'));
    await page.locator(`[data-testid=efficiency-dc] option[value="${empty.id}"]`).waitFor({ state: 'attached' });
    const answered = page.waitForResponse((r) => r.url().includes(`/api/efficiency/cooling?datacenter_id=${empty.id}`));
    await page.selectOption('[data-testid=efficiency-dc]', String(empty.id));
    expect((await answered).ok(), 'the cooling report of the empty site');
    try {
      await page.locator('[data-testid=cooling-card]', { hasText: 'No inlet temperatures yet' }).waitFor();
      await page.locator('[data-testid=idle-card]', { hasText: 'No idle server' }).waitFor();
    } finally {
      await shot('efficiency-empty', false);
    }
  });
});
