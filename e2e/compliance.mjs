// Browser test: compliance (see e2e/lib/harness.mjs for the server, the browser and the step runner).
import { join } from 'node:path';
import { browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

await browserSuite('compliance', { port: 8900 }, async ({ page, context, origin, step }) => {
  const url = (p) => `${origin}${p}`;
  // from the top: a full-page capture of a scrolled page draws the fixed sidebar and topbar mid-page
  const shot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const rowsOf = async () => page.locator('[data-testid=controls-table] tbody tr.ctl-row').count();
  const selectedTitle = async () => (await page.locator('[data-testid=compliance-report] h2').innerText()).trim();

  await step(
    'sign in as admin and seed the demo estate',
    async () => {
      await page.goto(url('/login'));
      await page.fill('#username', 'admin');
      await page.fill('#password', 'admin123');
      await page.click('button[type=submit]');
      await page.waitForURL((u) => u.pathname === '/');
      const tok = await page.request.post(url('/api/token'), { form: { username: 'admin', password: 'admin123' } });
      expect(tok.ok(), `token: ${tok.status()} ${await tok.text()}`);
      const token = (await tok.json()).access_token;
      const seed = await page.request.post(url('/api/demo/seed'), {
        headers: { authorization: `Bearer ${token}` },
        data: {},
      });
      expect(seed.ok(), `seed: ${seed.status()} ${await seed.text()}`);
      const body = await seed.json();
      log('seeded', JSON.stringify(body));
      expect(body.servers > 100, `seed created ${body.servers} servers`);
    },
    page,
  );

  await step(
    'open Compliance from the sidebar',
    async () => {
      await page.click('.sidebar a[href="/compliance"]');
      await page.waitForURL((u) => u.pathname === '/compliance');
      await page.locator('[data-testid=controls-table]').waitFor();
      await page.locator('[data-testid=framework-iso27001][aria-selected=true]').waitFor();
      expect((await selectedTitle()) === 'ISO/IEC 27001:2022', `title: ${await selectedTitle()}`);
      const n = await rowsOf();
      expect(n >= 10, `only ${n} controls`);
      // the default admin has no passkey: the admin second-factor control fails
      const mfa = page.locator('tr[data-control=admin_mfa]');
      expect((await mfa.innerText()).includes('Fail'), `admin_mfa row: ${await mfa.innerText()}`);
      await page.waitForTimeout(300);
      await shot('compliance-iso27001');
    },
    page,
  );

  await step(
    'switch frameworks',
    async () => {
      for (const [id, title, ref] of [
        ['soc2', 'SOC 2', 'CC6.1'],
        ['pci-dss', 'PCI DSS v4.0', '8.4.1'],
        ['hipaa', 'HIPAA Security Rule', '§164.312(d)'],
      ]) {
        await page.click(`[data-testid=framework-${id}]`);
        await page.waitForURL((u) => u.searchParams.get('framework') === id);
        await page.locator(`[data-testid=compliance-report] h2:text-is("${title}")`).waitFor();
        const refCell = await page.locator('tr[data-control=admin_mfa] td.ref').innerText();
        expect(refCell.trim() === ref, `${id}: admin_mfa reference "${refCell}", expected "${ref}"`);
      }
      // PCI DSS: two of the three demo datacenters hold it; HIPAA: one
      await page.click('[data-testid=framework-pci-dss]');
      await page.locator('[data-testid=compliance-report] h2:text-is("PCI DSS v4.0")').waitFor();
      await page.waitForTimeout(300);
      await shot('compliance-pci-dss');
    },
    page,
  );

  await step(
    'expand the evidence of a failing control',
    async () => {
      await page.click('[data-testid=filter-open]');
      const failing = page.locator('tr.ctl-row.status-fail').first();
      await failing.waitFor();
      const id = await failing.getAttribute('data-control');
      await failing.locator('button.ev-toggle').click();
      const list = page.locator(`[data-testid=evidence-list-${id}]`);
      await list.waitFor();
      const items = await list.locator('li').count();
      expect(items > 0, `no evidence items for ${id}`);
      // expand the admin second-factor control too: the admin is named, linked to the users page
      if (id !== 'admin_mfa') await page.click('[data-testid=evidence-admin_mfa]');
      const admin = page.locator('[data-testid=evidence-list-admin_mfa] a', { hasText: 'admin' }).first();
      await admin.waitFor();
      expect((await admin.getAttribute('href'))?.startsWith('/users'), 'admin evidence links to /users');
      // a server past warranty links to its page
      const w = page.locator('tr[data-control=warranty]');
      if (await w.count()) {
        await page.click('[data-testid=evidence-warranty]');
        const link = page.locator('[data-testid=evidence-list-warranty] a').first();
        await link.waitFor();
        expect(/^\/servers\/\d+$/.test((await link.getAttribute('href')) ?? ''), 'server evidence link');
      }
      await page.waitForTimeout(300);
      await shot('compliance-evidence');
    },
    page,
  );

  await step(
    'export CSV',
    async () => {
      const a = page.locator('[data-testid=export-csv]');
      const href = await a.getAttribute('href');
      expect(href === '/api/compliance/pci-dss?format=csv', `export href ${href}`);
      let text;
      try {
        const [download] = await Promise.all([page.waitForEvent('download', { timeout: 5000 }), a.click()]);
        const path = await download.path();
        const { readFileSync } = await import('node:fs');
        text = readFileSync(path, 'utf8');
        log('downloaded', download.suggestedFilename());
        expect(/^compliance-pci-dss-\d{4}-\d\d-\d\d\.csv$/.test(download.suggestedFilename()), 'file name');
      } catch (e) {
        log('download event not available over CDP, fetching the link with the session cookie:', e.message);
        const res = await page.request.get(url(href));
        expect(res.ok(), `csv: ${res.status()}`);
        expect(/^text\/csv/.test(res.headers()['content-type'] ?? ''), 'text/csv');
        text = await res.text();
      }
      const lines = text.trimEnd().split('\r\n');
      expect(
        lines[0] === '"control reference","check","status","summary","evidence count","evidence"',
        `header: ${lines[0]}`,
      );
      const report = await (await page.request.get(url('/api/compliance/pci-dss'))).json();
      expect(lines.length === report.controls.length + 1, `${lines.length - 1} rows for ${report.controls.length}`);
      expect(
        lines.some((l) => l.startsWith('"8.4.1","Administrators use a second factor","fail"')),
        'admin row',
      );
    },
    page,
  );

  await step(
    'print view',
    async () => {
      await page.goto(url('/compliance?framework=soc2&print'));
      await page.locator('[data-testid=evidence-list-admin_mfa]').waitFor();
      await page.emulateMedia({ media: 'print' });
      const header = page.locator('.print-header');
      await header.waitFor({ state: 'visible' });
      const text = await header.innerText();
      expect(/^DC Platform — SOC 2 compliance report — generated /.test(text.trim()), `print header: ${text}`);
      expect(!(await page.locator('.sidebar').isVisible()), 'sidebar hidden in print');
      expect(!(await page.locator('.topbar').isVisible()), 'topbar hidden in print');
      expect(!(await page.locator('[data-testid=export-csv]').isVisible()), 'buttons hidden in print');
      await page.waitForTimeout(300);
      await shot('compliance-print');
      const pdf = await page.pdf({ format: 'A4', printBackground: true }).catch(() => null);
      if (pdf) log(`print as PDF: ${pdf.length} bytes`);
      await page.emulateMedia({ media: 'screen' });
    },
    page,
  );
});
