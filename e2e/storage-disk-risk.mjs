// Storage systems' disk risk in a browser, on the demo estate: smartctl_exporter's attributes for one array's disks
// are ingested naming the array by serial; its page shows the members at risk with the evidence, and the
// failure-risk page lists it above the arrays that sent nothing, which say "no SMART data received".
// Screenshots: e2e/screenshots/storage-disk-risk-*.png.
import { browserSuite, signInAdmin } from './lib/harness.mjs';

browserSuite(
  'storage-disk-risk',
  { port: 8893, env: { SEED: '1', SIMULATE: '0' } },
  async ({ page, origin, step, shot, expect }) => {
    const url = (p) => `${origin}${p}`;
    let call;
    let san;

    await step('sign in; an array sends SMART for its disks', async () => {
      call = await signInAdmin(page, origin, expect);
      [san] = await call('GET', '/storage?q=nyc1-san-01');
      expect(san?.serial_number, `the demo array has a serial: ${JSON.stringify(san)}`);
      const { token } = await call('POST', '/tokens', { name: 'e2e-smart', scopes: ['ingest'] });
      const ts = Date.now();
      const attr = (device, id, raw) => ({
        server: san.serial_number,
        metric: 'smartctl_device_attribute',
        labels: { device, attribute_id: String(id), attribute_value_type: 'raw' },
        value: raw,
        ts,
      });
      const disks = { sda: { 5: 24 }, sdb: { 187: 3 }, sdc: {}, sdd: {} };
      const samples = Object.entries(disks).flatMap(([d, counts]) =>
        [5, 187, 197, 198].map((id) => attr(d, id, counts[id] ?? 0)),
      );
      const r = await page.request.post(url('/api/metrics/ingest'), {
        headers: { authorization: `Bearer ${token}` },
        data: samples,
      });
      const body = await r.json();
      expect(r.ok() && body.unmatched === 0, `ingest: ${r.status()} ${JSON.stringify(body)}`);
    });

    await step("the array's page shows its members at risk and why", async () => {
      await page.goto(url(`/storage/${san.id}`));
      const card = page.locator('[data-testid=storage-disk-risk]');
      // the first load of a page on a busy machine can take a while
      await card.locator('[data-testid=disk-risk-summary]').waitFor({ timeout: 60_000 });
      const summary = await card.locator('[data-testid=disk-risk-summary]').textContent();
      expect(/2 of 4 reporting disks at risk/.test(summary), `summary: ${summary}`);
      const ev = await card.locator('[data-testid=disk-risk-evidence]').textContent();
      expect(ev.includes('reallocated sectors (5) raw 24'), `evidence names the counter: ${ev}`);
      expect(/RAID \d+ tolerates/.test(ev), `evidence weighs the RAID layout: ${ev}`);
      await card.scrollIntoViewIfNeeded();
      await shot('storage-disk-risk-detail', false);
    });

    await step('the failure-risk page lists storage systems, honest about those without SMART', async () => {
      await page.goto(url('/ai/risk'));
      const table = page.locator('[data-testid=storage-risk-table]');
      await table.locator('tbody tr a.cell-link').first().waitFor();
      const first = table.locator('tbody tr').first();
      expect((await first.textContent()).includes(san.name), `the array at risk first: ${await first.textContent()}`);
      const quiet = table.locator('tbody tr').filter({ hasText: 'no SMART data received' });
      expect((await quiet.count()) > 0, 'arrays that sent nothing say so');
      await first.locator('button.more').click();
      await first.locator('.cov').waitFor();
      const cov = await first.locator('.cov').textContent();
      expect(cov.includes('SMART of 4 of'), `the data behind it: ${cov}`);
      await table.scrollIntoViewIfNeeded();
      await shot('storage-disk-risk-table', false);
    });
  },
);
