// Capacity forecast and planning in a browser, on the demo estate (its servers' purchase dates give a growth
// history): the forecast charts with their 90 % interval bands, the monthly table, exhaustion and procurement,
// and the placement form's inline errors and plan. Screenshots: e2e/screenshots/forecast-*.png.
import { adminApiToken, browserSuite } from './lib/harness.mjs';

browserSuite(
  'forecast',
  { port: 8870, env: { SEED: '1', SIMULATE: '0' } },
  async ({ page, origin, step, shot, expect }) => {
    const url = (p) => `${origin}${p}`;
    let token;

    await step('sign in', async () => {
      await page.goto(url('/login'));
      await page.fill('#username', 'admin');
      await page.fill('#password', 'admin123');
      await page.click('button[type=submit]');
      await page.waitForURL((u) => u.pathname === '/');
      token = await adminApiToken(page, origin);
    });

    await step('the dashboard shows the next exhaustion and the top risks', async () => {
      await page.locator('[data-testid=dashboard-next-exhaustion]').waitFor();
      const r = await page.request.get(url('/api/analytics/exhaustion'), {
        headers: { authorization: `Bearer ${token}` },
      });
      const dates = (await r.json()).flatMap((e) => (e.date ? [e.date] : [])).sort();
      const shown = await page.locator('[data-testid=dashboard-next-exhaustion]').textContent();
      const expected = new Date(`${dates[0]}T00:00:00Z`).getUTCFullYear();
      expect(dates.length > 0 && shown.includes(String(expected)), `next exhaustion ${dates[0]} shown as ${shown}`);
      await page.locator('[data-testid=capacity-outlook]').scrollIntoViewIfNeeded();
      await shot('forecast-dashboard', false);
    });

    await step('the forecast page draws history, forecast and the 90 % interval band', async () => {
      await page.click('a[href="/ai/forecast"]');
      await page.waitForURL((u) => u.pathname === '/ai/forecast');
      await page.locator('[data-testid=forecast-chart-u] svg path').first().waitFor();
      const r = await page.request.get(url('/api/analytics/forecast?months=12'), {
        headers: { authorization: `Bearer ${token}` },
      });
      const api = await r.json();
      expect(api.length === 12, `12 months from the API: ${api.length}`);
      const last = api[11];
      expect(last.upper.u_used > last.lower.u_used, `a real interval at 12 months: ${JSON.stringify(last)}`);
      // the KPI is the API's racks_needed 12 months ahead
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid=racks-needed]')?.textContent?.trim() === String(n),
        last.racks_needed,
      );
      // a band: a filled path between the bounds, wider at the end than where it starts
      for (const chart of ['forecast-chart-u', 'forecast-chart-power', 'forecast-chart-servers']) {
        const paths = await page.locator(`[data-testid=${chart}] svg path`).count();
        expect(paths >= 3, `${chart}: history, forecast and band paths (${paths})`);
      }
      const band = await page.evaluate(() => {
        const areas = [...document.querySelectorAll('[data-testid=forecast-chart-u] svg path')].filter(
          (p) => getComputedStyle(p).fill !== 'none' && (p.getAttribute('d') ?? '').includes('Z'),
        );
        const box = areas[0]?.getBoundingClientRect();
        return box ? { w: box.width, h: box.height } : null;
      });
      expect(band && band.w > 20 && band.h > 2, `the interval band is drawn: ${JSON.stringify(band)}`);
      const rows = await page.locator('[data-testid=forecast-table] tbody tr').count();
      expect(rows === 12, `12 months in the table (${rows})`);
      const first = await page.locator('[data-testid=forecast-table] tbody tr').first().textContent();
      expect(first.includes(api[0].month), `the table starts at ${api[0].month}: ${first}`);
      await shot('forecast-page');
      await page.locator('[data-testid=forecast-chart-u]').screenshot({ path: 'e2e/screenshots/forecast-chart.png' });
    });

    await step('PUE history (written as the simulator writes it) draws with its forecast band', async () => {
      const dcs = await (
        await page.request.get(url('/api/datacenters'), { headers: { authorization: `Bearer ${token}` } })
      ).json();
      const dc = dcs[0];
      const racks = await (
        await page.request.get(url(`/api/racks?datacenter_id=${dc.id}&limit=1`), {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json();
      const H = 3_600_000;
      const first = Math.floor(Date.now() / H) * H - 96 * H;
      const pue = Array.from({ length: 96 }, (_, i) => {
        const p = 1.3 + 0.08 * Math.sin((2 * Math.PI * i) / 24);
        return [dc.id, first + i * H, 6, 600 * p, 600, p - 0.01, p + 0.01];
      });
      const rows = [[racks[0].id, 0, 'power_kw', 3600, first, 1, 10, 10, 10, 10, 10]];
      const r = await page.request.post(url('/api/demo/history'), {
        headers: { authorization: `Bearer ${token}` },
        data: { rows, pue },
      });
      expect(r.ok(), `history: ${r.status()} ${await r.text()}`);
      await page.reload();
      const chart = page.locator(`[data-testid=pue-chart-${dc.id}]`);
      await chart.locator('svg path').first().waitFor();
      const paths = await chart.locator('svg path').count();
      expect(paths >= 3, `PUE history, forecast and band (${paths} paths)`);
      await chart.scrollIntoViewIfNeeded();
      await chart.screenshot({ path: 'e2e/screenshots/forecast-pue.png' });
    });

    await step("a server's page: forecasts computed nightly, then each series' forecast with its band", async () => {
      const auth = { authorization: `Bearer ${token}` };
      const [server] = await (await page.request.get(url('/api/servers?sort=id&limit=1'), { headers: auth })).json();
      await page.goto(url(`/servers/${server.id}`));
      const card = page.locator('[data-testid=server-forecasts]');
      await card.getByText('Forecasts are computed nightly; none yet for this server').waitFor();
      // four days of hourly means, as the simulator writes them: CPU climbing to 85 %, power with a daily rhythm
      const H = 3_600_000;
      const first = Math.floor(Date.now() / H) * H - 96 * H;
      const rows = Array.from({ length: 96 }, (_, i) => {
        const cpu = 85 - 0.5 * (95 - i);
        const w = 400 + 80 * Math.sin((2 * Math.PI * i) / 24);
        return [
          [server.rack_id, server.id, 'cpu_pct', 3600, first + i * H, 360, cpu * 360, cpu, cpu, cpu, cpu],
          [server.rack_id, server.id, 'power_w', 3600, first + i * H, 360, w * 360, w, w, w, w],
        ];
      }).flat();
      const r = await page.request.post(url('/api/demo/history'), { headers: auth, data: { rows } });
      expect(r.ok(), `history: ${r.status()} ${await r.text()}`);
      // forecast now; the minute trigger carries the run through the racks after the first chunk
      const run = await page.request.post(url('/api/analytics/forecast-runs'), { headers: auth });
      expect(run.status() === 202, `run: ${run.status()} ${await run.text()}`);
      let report;
      for (let i = 0; i < 60; i++) {
        report = await (await page.request.get(url(`/api/servers/${server.id}/forecasts`), { headers: auth })).json();
        if (report.forecasts.length === 2) break;
        await page.waitForTimeout(3_000);
      }
      expect(report.forecasts.length === 2, `two forecasts: ${JSON.stringify(report).slice(0, 300)}`);
      await page.reload();
      const cpu = card.locator('[data-testid=forecast-cpu_pct]');
      await cpu.locator('svg path').first().waitFor();
      const paths = await cpu.locator('svg path').count();
      expect(paths >= 3, `CPU history, forecast and band (${paths} paths)`);
      const f = report.forecasts.find((x) => x.metric === 'cpu_pct');
      const caption = await cpu.locator('[data-testid=forecast-caption]').innerText();
      expect(caption.includes(f.method.replaceAll('_', ' ')) && caption.includes('backtest error'), caption);
      const crossing = await cpu.locator('[data-testid=forecast-crossing]').innerText();
      expect(
        f.limit.hours === null ? crossing.includes('stays under 90') : crossing.startsWith('CPU at 90 %'),
        `${crossing} (${f.limit.hours} h)`,
      );
      const power = card.locator('[data-testid=forecast-power_w]');
      await power.locator('svg path').first().waitFor();
      expect((await power.locator('[data-testid=forecast-crossing]').count()) === 0, 'power has no limit line');
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: 'e2e/screenshots/forecast-server.png' });
      // back where the next steps read
      await page.goto(url('/ai/forecast'));
      await page.locator('[data-testid=exhaustion-table] tbody tr').first().waitFor();
    });

    await step('exhaustion per datacenter and resource, and the procurement plan', async () => {
      const ex = await page.locator('[data-testid=exhaustion-table] tbody tr').count();
      const r = await page.request.get(url('/api/analytics/exhaustion'), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(ex === (await r.json()).length && ex > 0, `one row per datacenter and resource (${ex})`);
      // a longer lead time moves the order dates earlier (or makes them overdue)
      await page.selectOption('[data-testid=lead-time]', '180');
      await page.waitForTimeout(300);
      await shot('forecast-plan', true);
    });

    await step('the horizon switch reloads the forecast', async () => {
      await page.locator('[data-testid=forecast-horizon] button', { hasText: '3 months' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=forecast-table] tbody tr').length === 3);
    });

    await step('the failure-risk page ranks servers with their evidence and data', async () => {
      await page.click('a[href="/ai/risk"]');
      await page.waitForURL((u) => u.pathname === '/ai/risk');
      await page.locator('[data-testid=risk-table] tbody tr a.cell-link').first().waitFor();
      const r = await page.request.get(url('/api/analytics/failure-risk?limit=1'), {
        headers: { authorization: `Bearer ${token}` },
      });
      const [top] = await r.json();
      const firstRow = page.locator('[data-testid=risk-table] tbody tr').first();
      expect((await firstRow.textContent()).includes(top.name), `the riskiest server first: ${top.name}`);
      await firstRow.locator('button.more').click();
      await firstRow.locator('.cov').waitFor();
      const cov = await firstRow.locator('.cov').textContent();
      expect(cov.includes('SMART'), `the data behind it is said: ${cov}`);
      await shot('forecast-risk', false);
      await page.locator('[data-testid=risk-level]').getByRole('button', { name: 'High', exact: true }).click();
      await page.waitForTimeout(300);
      await page.goBack();
      await page.goto(url('/ai/forecast'));
      await page.locator('[data-testid=placement-form]').waitFor();
    });

    await step('the placement form shows inline errors, then a plan', async () => {
      const form = page.locator('[data-testid=placement-form]');
      await form.locator('input[name=count]').fill('');
      await form.locator('input[name=power_w]').fill('abc');
      await form.locator('button[type=submit]').click();
      await page.locator('[data-testid=field-error-count]').waitFor();
      const msg = await page.locator('[data-testid=field-error-power_w]').textContent();
      expect(/Power/.test(msg), `power error names the field: ${msg}`);
      await shot('forecast-placement-errors', false);
      await form.locator('input[name=count]').fill('3');
      await form.locator('input[name=power_w]').fill('750');
      await form.locator('button[type=submit]').click();
      await page.locator('[data-testid=placement-plan] tbody tr').first().waitFor();
      const placed = await page.locator('[data-testid=placement-plan] tbody tr').count();
      expect(placed === 3, `three placements (${placed})`);
      await page.locator('[data-testid=placement-plan]').scrollIntoViewIfNeeded();
      await shot('forecast-placement', false);
    });
  },
);
