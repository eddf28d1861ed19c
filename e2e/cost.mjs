// Cost management, in a browser, on the demo estate: its demo tariff removed, the page says there is no tariff
// and offers to create one, a tariff
// through its form (a bad currency refused inline first), the live cost rate KPI equal to the API's, the
// breakdown by datacenter and by VM with its chart, a budget through its form (a zero amount refused inline) with
// its progress against the forecast, and the FOCUS export's header.
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
});
