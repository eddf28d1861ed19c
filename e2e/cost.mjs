// Cost management, in a browser, on the demo estate: its demo tariff removed, the page says there is no tariff
// and offers to create one, a tariff
// through its form (a bad currency refused inline first), the live cost rate KPI equal to the API's, the
// breakdown by datacenter and by VM with its chart, a budget through its form (a zero amount refused inline) with
// its progress against the forecast, the FOCUS export's header, a TCO scenario (a 9-year horizon refused inline,
// then the table, the chart and the break-even) and the cost recommendations as the API gives them.
// Screenshots: e2e/screenshots/cost-*.png.
import { adminApiToken, browserSuite, signInAdmin } from './lib/harness.mjs';

browserSuite('cost', { port: 8883, env: { SEED: '1' } }, async ({ page, origin, step, shot, expect }) => {
  const url = (p) => `${origin}${p}`;
  let call;

  await step('sign in; without a tariff the cost page says so and offers to create one', async () => {
    call = await signInAdmin(page, origin, expect);
    // the demo prices its estate with "Demo grid": take it away to meet the page a new site starts with
    const token = await adminApiToken(page, origin);
    for (const t of await call('GET', '/cost/tariffs')) {
      const r = await page.request.delete(url(`/api/cost/tariffs/${t.id}`), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.status() === 204, `DELETE tariff ${t.id}: ${r.status()}`);
    }
    const s = await call('GET', '/cost/summary');
    expect(s.tariffs === 0, `no tariff left: ${s.tariffs}`);
    await page.goto(url('/cost'));
    await page.locator('[data-testid=no-tariff]').getByText('No tariff yet').waitFor();
    await shot('cost-no-tariff', false);
  });

  await step('a tariff through its form: "EURO" is refused inline, EUR is created', async () => {
    await page.click('[data-testid=no-tariff] a[href="/cost/tariffs/new"]');
    await page.waitForURL((u) => u.pathname === '/cost/tariffs/new');
    await page.locator('[data-testid=tariff-form]').waitFor();
    await page.fill('#f-name', 'E2E default tariff');
    await page.fill('#f-currency', 'EURO');
    await page.fill('#f-rate_per_kwh', '0.25');
    await page.fill('#f-space_per_u_month', '12');
    await page.fill('#f-space_per_rack_month', '400');
    await page.fill('#f-amortisation_years', '5');
    await page.click('[data-testid=form-submit]');
    const err = page.locator('[data-testid=field-error-currency]');
    await err.waitFor();
    const text = await err.textContent();
    expect(/ISO 4217/.test(text), `the currency error explains: ${text}`);
    await shot('cost-tariff-invalid', false);
    await page.fill('#f-currency', 'EUR');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => u.pathname === '/cost/tariffs');
    await page.locator('[data-testid=tariffs-table] tbody tr', { hasText: 'E2E default tariff' }).waitFor();
    await shot('cost-tariffs', false);
  });

  await step('the cost page: the rate KPI equals the API’s, the breakdown by datacenter has a chart', async () => {
    await page.goto(url('/cost'));
    const value = page.locator('[data-testid=cost-rate-value]');
    await value.waitFor();
    const rate = await call('GET', '/cost/rate');
    const eur = rate.rates.find((r) => r.currency === 'EUR');
    const shown = (await value.textContent()).trim();
    const expected = `${new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2 }).format(eur.per_hour)}/h`;
    expect(shown === expected, `the KPI shows the API's rate: ${shown} vs ${expected}`);
    await page.locator('[data-testid=cost-table] tbody tr').first().waitFor();
    await page.locator('[data-testid=cost-chart] svg').first().waitFor();
    const api = await call('GET', '/cost/breakdown?by=datacenter');
    const first = (await page.locator('[data-testid=cost-table] tbody tr').first().textContent()).replace(/\s+/g, ' ');
    expect(first.includes(api.rows[0].label), `the largest site first: ${first} / ${api.rows[0].label}`);
    await shot('cost-overview', true);
  });

  await step('by VM: VMs take their share of their hosts', async () => {
    await page.click('[data-testid=by-vm]');
    await page.locator('[data-testid=cost-table] tbody tr', { hasText: '(unallocated)' }).waitFor();
    const n = await page.locator('[data-testid=cost-table] tbody tr').count();
    expect(n > 2, `VM rows: ${n}`);
    await shot('cost-by-vm', true);
  });

  await step('a budget through its form: amount 0 is refused inline; the budget shows spent vs forecast', async () => {
    await page.goto(url('/cost/budgets/new'));
    await page.locator('[data-testid=budget-form]').waitFor();
    await page.fill('#f-name', 'E2E estate month');
    await page.fill('#f-amount', '0');
    await page.fill('#f-currency', 'EUR');
    await page.fill('#f-alert_at_pct', '90');
    await page.click('[data-testid=form-submit]');
    await page.locator('[data-testid=field-error-amount]').waitFor();
    await shot('cost-budget-invalid', false);
    await page.fill('#f-amount', '1000');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => u.pathname === '/cost/budgets');
    const row = page.locator('[data-testid=budget-row]', { hasText: 'E2E estate month' });
    await row.waitFor();
    await row.locator('[data-testid=budget-progress]').waitFor();
    const status = (await call('GET', '/cost/budgets/status')).find((s) => s.name === 'E2E estate month');
    expect(status && status.amount === 1000 && status.forecast >= status.actual, `status: ${JSON.stringify(status)}`);
    await shot('cost-budgets', false);
  });

  await step('the FOCUS export is CSV with the FOCUS columns', async () => {
    await page.goto(url('/cost'));
    const href = await page.getAttribute('[data-testid=focus-export]', 'href');
    const r = await page.request.get(url(href));
    const text = await r.text();
    expect(r.ok() && (r.headers()['content-type'] ?? '').includes('text/csv'), `export: ${r.status()}`);
    const header = text.split('\r\n')[0].split(',');
    for (const col of [
      'BilledCost',
      'EffectiveCost',
      'ChargePeriodStart',
      'ChargePeriodEnd',
      'ResourceId',
      'ServiceCategory',
      'Tags',
    ])
      expect(header.includes(col), `FOCUS column ${col}`);
    expect(text.split('\r\n').length > 2, 'rows after the header');
  });
  await step('TCO: a generation of the estate fills the form; a 9-year horizon is refused inline', async () => {
    await page.goto(url('/cost'));
    await page.click('[data-testid=cost-tco-link]');
    await page.waitForURL((u) => u.pathname === '/cost/tco');
    await page.locator('[data-testid=tco-form]').waitFor();
    const fleet = await call('GET', '/cost/tco/fleet');
    expect(fleet.groups.length > 0, `the demo estate has generations: ${fleet.groups.length}`);
    const first = fleet.groups[0];
    const count = await page.inputValue('#f-count');
    expect(count === String(first.count), `the form starts from ${first.label}: ${count} vs ${first.count}`);
    await page.locator('[data-testid=tco-evidence]').waitFor();
    await page.fill('#f-horizon_years', '9');
    await page.click('[data-testid=form-submit]');
    const err = page.locator('[data-testid=field-error-horizon_years]');
    await err.waitFor();
    const text = await err.textContent();
    expect(/at most 5/.test(text), `the horizon error explains: ${text}`);
    expect((await page.locator('[data-testid=tco-result]').count()) === 0, 'nothing worked out yet');
    await shot('cost-tco-invalid', false);
  });

  await step('TCO: the hand-checked scenario gives its table, chart and break-even after 4.5 years', async () => {
    const values = {
      horizon_years: '5',
      currency: 'EUR',
      count: '10',
      age_years: '6',
      power_w: '400',
      support_per_year: '500',
      u_per_server: '1',
      residual_value: '200',
      new_price: '5000',
      new_power_w: '350',
      consolidation_ratio: '1.5',
      new_support_per_year: '300',
      new_u_per_server: '1',
      price_per_kwh: '0.2',
      pue: '1.5',
      space_per_u_month: '10',
    };
    for (const [k, v] of Object.entries(values)) await page.fill(`#f-${k}`, v);
    await page.click('[data-testid=form-submit]');
    await page.locator('[data-testid=tco-table] tbody tr').first().waitFor();
    const rows = await page.locator('[data-testid=tco-year]').count();
    expect(rows === 6, `start and 5 years: ${rows}`);
    const even = (await page.locator('[data-testid=tco-break-even]').textContent()).trim();
    expect(even === '4.5 years', `break-even: ${even}`);
    await page.locator('[data-testid=tco-even-row]').waitFor();
    const evenRow = (await page.locator('tr:has([data-testid=tco-even-row]) th').textContent()).trim();
    expect(evenRow.startsWith('Year 5'), `the break-even year is marked in the table: ${evenRow}`);
    await page.locator('[data-testid=tco-chart] svg path').first().waitFor();
    await page.locator('[data-testid=tco-chart-break-even]').waitFor();
    const last = (await page.locator('[data-testid=tco-year]').last().textContent()).replace(/\s+/g, ' ');
    expect(last.includes('€83,560') && last.includes('€79,893'), `year 5 cumulative: ${last}`);
    await page.locator('[data-testid=tco-chart-card]').scrollIntoViewIfNeeded();
    await shot('cost-tco', true);
  });

  await step('recommendations: what the API recommends, with savings, evidence and the way to act', async () => {
    await page.goto(url('/cost'));
    await page.click('[data-testid=cost-recommendations-link]');
    await page.waitForURL((u) => u.pathname === '/cost/recommendations');
    const api = await call('GET', '/cost/recommendations');
    await page.locator('[data-testid=rec-count]').waitFor();
    const items = page.locator('[data-testid=rec-item]');
    if (api.recommendations.length) await items.first().waitFor();
    const n = await items.count();
    expect(
      n === api.recommendations.length,
      `the page lists the API's recommendations: ${n} vs ${api.recommendations.length}`,
    );
    for (let i = 0; i < n; i++) {
      const r = api.recommendations[i];
      const saving = (await items.nth(i).locator('[data-testid=rec-saving]').textContent()).replace(/\s+/g, ' ');
      const want = r.saving
        ? `${new Intl.NumberFormat('en-US', { style: 'currency', currency: r.saving.currency, minimumFractionDigits: 2 }).format(r.saving.per_month)}/month`
        : 'Not priced';
      expect(saving.includes(want), `recommendation ${i} (${r.kind}) shows ${want}: ${saving}`);
    }
    await page.locator('[data-testid=rec-notes]').waitFor();
    await shot('cost-recommendations', true);
    const pack = api.recommendations.find((r) => r.kind === 'consolidate');
    if (pack) {
      await page.locator('[data-testid=rec-item][data-kind=consolidate] [data-testid=rec-action]').first().click();
      await page.waitForURL((u) => u.pathname === '/optimisation');
      await page.locator('[data-testid=plan-form]').waitFor();
      const dc = await page.inputValue('#f-datacenter_id');
      expect(dc === String(pack.datacenter_id), `the plan form is filled with the site: ${dc}`);
      await shot('cost-recommendation-plan', false);
    }
  });
});
