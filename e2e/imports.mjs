// Imports, in a browser: a CSV of servers on the servers list (a bad row refused by line and field in the dry run,
// the corrected file checked, confirmed, and its servers in the list), then NetBox's own demo export on /import
// (the files as NetBox's REST API wrote them, one per endpoint: the dry-run report with what is left out by type
// and count, the import applied, an imported site found as a datacenter, the runs listed).
// Screenshots: e2e/screenshots/imports-*.png.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { browserSuite, signInAdmin, ROOT } from './lib/harness.mjs';

const NETBOX_DIR = join(ROOT, '..', 'shared', 'data', 'netbox');

browserSuite('imports', { port: 8881 }, async ({ page, origin, step, shot, expect, pageErrors }) => {
  const url = (p) => `${origin}${p}`;
  let call;
  let rack;

  await step('sign in, and a rack for the servers', async () => {
    call = await signInAdmin(page, origin, expect);
    const dc = await call('POST', '/datacenters', { name: 'E2E Import DC', location: 'Newark', tier: 'Tier 3' });
    rack = await call('POST', '/racks', {
      name: 'E2E-IMP-R01',
      datacenter_id: dc.id,
      u_capacity: 42,
      power_capacity_kw: 20,
    });
  });

  const csvFile = (rows) => ({
    name: 'servers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(['name,rack_id,serial_number,u_position,u_size,power_supply_w', ...rows].join('\n') + '\n'),
  });
  const good = (n, u) => `e2e-csv-0${n},${rack.id},E2E-CSV-SN-0${n},${u},1,500`;

  await step('a CSV with a bad row: the dry run names its line and field, and writes nothing', async () => {
    await page.goto(url('/servers'));
    await page.click('[data-testid=import-csv]');
    const dialog = page.locator('[data-testid=import-dialog]');
    await dialog.waitFor();
    await dialog
      .locator('[data-testid=import-file]')
      .setInputFiles(csvFile([good(1, 10), `e2e-csv-02,${rack.id},E2E-CSV-SN-02,twelve,1,500`, good(3, 14)]));
    const report = page.locator('[data-testid=import-report]');
    await report.waitFor();
    expect((await report.getAttribute('data-valid')) === 'false', 'the dry run is not valid');
    const rows = await page.$$eval('[data-testid=import-errors] tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
    );
    expect(
      rows.some(([line, field]) => line === '3' && field === 'u_position'),
      `an error on line 3, field u_position: ${JSON.stringify(rows)}`,
    );
    expect(await page.locator('[data-testid=import-confirm]').isDisabled(), 'confirm is disabled');
    await shot('imports-csv-errors', false);
    const none = await call('GET', '/servers?q=e2e-csv');
    expect(none.length === 0, `nothing written: ${none.length}`);
  });

  await step('the corrected CSV checks out, is confirmed, and its servers are in the list', async () => {
    await page.locator('[data-testid=import-file]').setInputFiles(csvFile([good(1, 10), good(2, 12), good(3, 14)]));
    await page.locator('[data-testid=import-report][data-valid=true]').waitFor();
    await page.locator('[data-testid=import-ready]').waitFor();
    await shot('imports-csv-ready', false);
    await page.click('[data-testid=import-confirm]');
    await page.locator('[data-testid=import-dialog]').waitFor({ state: 'detached' });
    await page.fill('[data-testid=servers-table] [data-testid=table-search]', 'e2e-csv');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=servers-table] tbody tr').length === 3,
      null,
      { timeout: 10_000 },
    );
    const names = await page.$$eval('[data-testid=servers-table] tbody tr', (trs) => trs.map((t) => t.textContent));
    for (const n of ['e2e-csv-01', 'e2e-csv-02', 'e2e-csv-03'])
      expect(
        names.some((t) => t.includes(n)),
        `${n} in the list: ${names.join(' | ').slice(0, 300)}`,
      );
    const saved = await call('GET', '/servers?q=e2e-csv-02');
    expect(saved.length === 1 && saved[0].u_position === 12, `e2e-csv-02 at U12: ${JSON.stringify(saved)}`);
    await shot('imports-csv-imported', false);
  });

  const files = readdirSync(NETBOX_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(NETBOX_DIR, f));

  await step('the NetBox page explains the export and lists no runs yet', async () => {
    await page.click('a[href="/import"]');
    await page.waitForURL((u) => u.pathname === '/import');
    await page.locator('[data-testid=netbox-files]').waitFor({ state: 'attached' });
    await page.locator('[data-testid=import-runs]').getByText('No imports yet').waitFor();
    const help = await page.locator('[data-testid=netbox-howto]').textContent();
    expect(/limit=0/.test(help) && /dumpdata/.test(help), `export help: ${help.slice(0, 200)}`);
    await shot('imports-netbox-empty');
  });

  await step(
    'a file NetBox could not have written: the API says what is wrong, inline, by file and place',
    async () => {
      await page.locator('[data-testid=netbox-files]').setInputFiles([
        { name: 'sites.json', mimeType: 'application/json', buffer: Buffer.from('[{"id": 1, "name": "Lab"}]') },
        { name: 'devices.json', mimeType: 'application/json', buffer: Buffer.from('[{"name": "no-id-here"}]') },
      ]);
      const errors = page.locator('[data-testid=netbox-errors] li');
      await errors.first().waitFor();
      const text = await errors.first().textContent();
      expect(/devices\.json/.test(text) && /devices\[0\]\.id/.test(text), `error names file and field: ${text}`);
      expect((await page.locator('[data-testid=netbox-report]').count()) === 0, 'no report for a refused export');
      await shot('imports-netbox-refused', false);
    },
  );

  let sites;
  await step('the NetBox demo export: a dry run reports what it creates and what is left out, by type', async () => {
    expect(files.length >= 10, `NetBox demo files in ${NETBOX_DIR}: ${files.length}`);
    await page.locator('[data-testid=netbox-files]').setInputFiles(files);
    const report = page.locator('[data-testid=netbox-report]');
    const failure = page.locator('[data-testid=netbox-failure]');
    await report.or(failure).first().waitFor({ timeout: 60_000 });
    if (await failure.isVisible()) throw new Error(`dry run failed: ${await failure.textContent()}`);
    // the rows to create, per table
    const created = Object.fromEntries(
      await page.$$eval('[data-testid=netbox-summary] tbody tr[data-table]', (trs) =>
        trs.map((tr) => [tr.dataset.table, Number(tr.querySelectorAll('td')[1].textContent.replace(/,/g, ''))]),
      ),
    );
    sites = JSON.parse(readFileSync(join(NETBOX_DIR, 'sites.json'), 'utf8'));
    expect(created.datacenters === sites.length, `datacenters to create: ${JSON.stringify(created)}`);
    expect(created.racks > 0 && created.servers + created.network_devices > 0, `created: ${JSON.stringify(created)}`);
    // what has no counterpart: by NetBox type, with a count and a reason
    const unmapped = await page.$$eval('[data-testid=netbox-unmapped] tbody tr[data-type]', (trs) =>
      trs.map((tr) => ({ type: tr.dataset.type, count: Number(tr.dataset.count) })),
    );
    expect(unmapped.length > 0 && unmapped.every((u) => u.count > 0), `unmapped counts: ${JSON.stringify(unmapped)}`);
    // nothing written yet
    const dcs = await call('GET', `/datacenters?q=${encodeURIComponent(sites[0].name)}`);
    expect(dcs.length === 0, `no datacenter before the import: ${JSON.stringify(dcs)}`);
    // the skipped manifest.json is named, not sent
    const skipped = await page.locator('.files li.skipped').textContent();
    expect(/manifest\.json/.test(skipped), `manifest skipped: ${skipped}`);
    await shot('imports-netbox-dry-run');
  });

  await step('importing it writes the estate; an imported site is a datacenter', async () => {
    await page.click('[data-testid=netbox-apply]');
    const result = page.locator('[data-testid=netbox-result]');
    const failure = page.locator('[data-testid=netbox-failure]');
    await result.or(failure).first().waitFor({ timeout: 60_000 });
    if (await failure.isVisible()) throw new Error(`import failed: ${await failure.textContent()}`);
    // the runs table: this import and its dry run
    await page.locator('[data-testid=import-runs] tbody tr').nth(1).waitFor();
    await shot('imports-netbox-applied', false);
    const statuses = await page.$$eval('[data-testid=import-runs] tbody tr', (trs) => trs.map((t) => t.textContent));
    expect(
      /Applied/.test(statuses[0]) && /Dry run/.test(statuses[1]),
      `runs listed: ${statuses.join(' | ').slice(0, 300)}`,
    );
    // a run opens on its report
    await page.locator('[data-testid=import-runs] button[aria-label="Expand row"]').first().click();
    const runRows = await page.$$eval('[data-testid=import-runs] .runreport tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())),
    );
    const dcRow = runRows.find((r) => r[0] === 'Datacenters');
    expect(dcRow && Number(dcRow[1]) === sites.length, `the run's report: ${JSON.stringify(runRows)}`);
    await page.locator('[data-testid=import-runs]').scrollIntoViewIfNeeded();
    await shot('imports-netbox-runs', false);
    await page.click('[data-testid=netbox-result-datacenters]');
    await page.waitForURL((u) => u.pathname === '/datacenters');
    const site = sites.find((s) => s.name === 'DM-Akron') ?? sites[0];
    await page.fill('[data-testid=datacenters-table] [data-testid=table-search]', site.name);
    await page.locator('[data-testid=datacenters-table] tbody tr', { hasText: site.name }).first().waitFor();
    const dcs = await call('GET', `/datacenters?q=${encodeURIComponent(site.name)}`);
    expect(
      dcs.some((d) => d.name === site.name),
      `datacenter ${site.name}: ${JSON.stringify(dcs)}`,
    );
    await shot('imports-netbox-datacenters', false);
  });

  await step('no page errors', async () => {
    expect(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  });
});
