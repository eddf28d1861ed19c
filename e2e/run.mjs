// Browser tests: wrangler dev on a fresh local D1 + Debian chromium driven by playwright-core over CDP.
// `npm run test:e2e` builds the SPA first. Prints "N passed, M failed" and exits 1 on any failure.
// Env: E2E_PORT (default: 8788, or the next free port), E2E_KEEP=1 keeps the temp dirs, E2E_HEADFUL=1.
import { join } from 'node:path';
import { browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

async function scenario(page, origin, pageErrors, step) {
  const url = (p) => `${origin}${p}`;
  const shot = (name, fullPage = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  const text = async (sel) => (await page.locator(sel).first().innerText()).trim();
  const toast = (title) => page.locator('.toast', { hasText: title }).first().waitFor();
  const submit = () => page.click('[data-testid=form-submit]');
  let dcId, rackId, spareRackId, serverId;
  const ids = {};

  async function login(username, password) {
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
  }

  await step(
    'unauthenticated visit redirects to the sign-in page',
    async () => {
      await page.goto(url('/servers'));
      await page.waitForURL(/\/login\?next=%2Fservers/);
      expect((await text('h1')) === 'Sign in', 'sign-in heading');
    },
    page,
  );

  await step(
    'wrong password shows the 401 banner and inline required errors',
    async () => {
      await page.click('button[type=submit]');
      await page.locator('.field .error', { hasText: 'Username is required' }).waitFor();
      await login('admin', 'not-the-password');
      const banner = await text('[data-testid=login-error]');
      expect(/Incorrect username or password/.test(banner), `banner: ${banner}`);
      await shot('login');
    },
    page,
  );

  await step(
    'admin signs in through the form and returns to the page asked for',
    async () => {
      await login('admin', 'admin123');
      await page.waitForURL(/\/servers$/);
      await page.locator('[data-testid=servers-table]').waitFor();
    },
    page,
  );

  await step(
    'empty dashboard offers to add the first datacenter',
    async () => {
      await page.goto(url('/'));
      await page.locator('[data-testid=dashboard-empty]').waitFor();
      expect(await page.locator('text=Add your first datacenter').first().isVisible(), 'call to action');
      await shot('dashboard-empty');
    },
    page,
  );

  await step(
    'create a datacenter through the form',
    async () => {
      await page.click('[data-testid=add-first-datacenter]');
      await page.waitForURL(/\/datacenters\/new$/);
      await page.fill('#f-name', 'E2E-AMS-1');
      await page.fill('#f-location', 'Schiphol-Rijk, Amsterdam');
      await page.selectOption('#f-tier', 'Tier 4');
      await page.fill('#f-power_capacity_mw', '8');
      await page.fill('#f-pue_target', '4'); // out of range: caught by the shared valibot schema
      await submit();
      const err = await text('[data-testid=field-error-pue_target]');
      expect(/at most 3/.test(err), `pue error: ${err}`);
      await page.fill('#f-pue_target', '1.3');
      await page.click('label.chip:has-text("ISO 27001")');
      await submit();
      await page.waitForURL(/\/datacenters\/\d+$/);
      dcId = Number(page.url().split('/').pop());
      await toast('Datacenter created');
      expect((await text('h1')) === 'E2E-AMS-1', 'detail heading');
    },
    page,
  );

  await step(
    'edit the datacenter (PATCH sends only the changed field)',
    async () => {
      await page.click('a:has-text("Edit")');
      await page.waitForURL(/\/edit$/);
      await page.fill('#f-pue_target', '1.25');
      await submit();
      await page.waitForURL(new RegExp(`/datacenters/${dcId}$`));
      await toast('Datacenter updated');
      await page.locator('dd', { hasText: '1.25' }).waitFor();
    },
    page,
  );

  await step(
    'create a rack through the form (client-side validation first)',
    async () => {
      await page.click('a:has-text("Add rack")');
      await page.waitForURL(/\/racks\/new\?datacenter_id=\d+/);
      expect((await page.inputValue('#f-datacenter_id')) === String(dcId), 'datacenter preselected');
      await page.fill('#f-name', 'AMS1-A01');
      await page.fill('#f-u_capacity', '60');
      await submit();
      const err = await text('[data-testid=field-error-u_capacity]');
      expect(/at most 52/.test(err), `u_capacity error: ${err}`);
      await page.fill('#f-u_capacity', '42');
      await page.fill('#f-power_capacity_kw', '12');
      await page.selectOption('#f-security_zone', 'Confidential');
      await submit();
      await page.waitForURL(/\/racks\/\d+$/);
      rackId = Number(page.url().split('/').pop());
      await toast('Rack created');
      await page.locator('[data-testid=rack-elevation]').waitFor();
      const free = await page.locator('[data-testid=rack-elevation] .free').count();
      expect(free === 42, `42 free slots, saw ${free}`);
    },
    page,
  );

  await step(
    'create a server through the form',
    async () => {
      await page.click('a:has-text("Add server")');
      await page.waitForURL(new RegExp(`/servers/new\\?rack_id=${rackId}`));
      await page.locator('.help', { hasText: 'Free in AMS1-A01' }).waitFor();
      await page.fill('#f-name', 'ams1-web-001');
      await page.fill('#f-serial_number', 'E2E-SN-0001');
      await page.selectOption('#f-server_type', 'Database');
      await page.fill('#f-manufacturer', 'Dell');
      await page.fill('#f-model', 'PowerEdge R760');
      await page.fill('#f-u_position', '10');
      await page.fill('#f-u_size', '2');
      await page.fill('#f-power_supply_w', '800');
      await page.fill('#f-ip_address', '10.20.0.10');
      await page.fill('#f-warranty_expires', '2029-06-30');
      await submit();
      await page.waitForURL(/\/servers\/\d+$/);
      serverId = Number(page.url().split('/').pop());
      await toast('Server created');
      expect((await text('h1')) === 'ams1-web-001', 'server heading');
      await page.locator('[data-testid=warranty]', { hasText: '2029-06-30' }).waitFor();
    },
    page,
  );

  await step(
    'the rack elevation shows the server over U10-U11',
    async () => {
      await page.goto(url(`/racks/${rackId}`));
      const dev = page.locator('[data-testid=elevation-device][data-name="ams1-web-001"]');
      await dev.waitFor();
      const style = await dev.getAttribute('style');
      // 42U rack, top-down rows: U11 is row 32, spanning 2
      expect(/grid-row:\s*32\s*\/\s*span 2/.test(style ?? ''), `grid placement: ${style}`);
      const free = await page.locator('[data-testid=rack-elevation] .free').count();
      expect(free === 40, `40 free slots, saw ${free}`);
      expect((await text('[data-testid=rack-servers] tbody')).includes('ams1-web-001'), 'servers table lists it');
    },
    page,
  );

  await step(
    'a server in taken slots is refused with the 409 message in a banner and inline',
    async () => {
      await page.goto(url(`/servers/new?rack_id=${rackId}&u_position=11`));
      await page.fill('#f-name', 'ams1-web-002');
      await page.fill('#f-serial_number', 'E2E-SN-0002');
      expect((await page.inputValue('#f-u_position')) === '11', 'u_position preset from the query');
      await submit();
      const banner = await text('[data-testid=form-banner]');
      expect(/overlaps ams1-web-001/.test(banner), `banner: ${banner}`);
      const inline = await text('[data-testid=field-error-u_position]');
      expect(/U11 of AMS1-A01 overlaps ams1-web-001 at U10-U11/.test(inline), `inline: ${inline}`);
      expect(page.url().endsWith('/servers/new?rack_id=' + rackId + '&u_position=11'), 'stays on the form');
      await shot('form-conflict-409', false);
    },
    page,
  );

  await step(
    'an invalid IP address gets an inline field error (422 rule, checked before sending)',
    async () => {
      await page.fill('#f-u_position', '20');
      await page.fill('#f-ip_address', '999.10.0.1');
      await submit();
      const inline = await text('[data-testid=field-error-ip_address]');
      expect(/valid IPv4 or IPv6/.test(inline), `inline: ${inline}`);
    },
    page,
  );

  await step(
    "the API's own 422 errors[] land on their field",
    async () => {
      // a rack that disappears between loading the form and submitting it: only the API can tell
      const token = await apiToken(page, origin);
      const spare = await page.request.post(url('/api/racks'), {
        headers: { authorization: `Bearer ${token}` },
        data: { name: 'AMS1-SPARE', datacenter_id: dcId },
      });
      spareRackId = (await spare.json()).id;
      await page.goto(url(`/servers/new?rack_id=${spareRackId}`));
      await page.fill('#f-name', 'ams1-web-003');
      await page.fill('#f-serial_number', 'E2E-SN-0003');
      await page.fill('#f-u_position', '1');
      const del = await page.request.delete(url(`/api/racks/${spareRackId}`), {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(del.status() === 204, `spare rack deleted: ${del.status()}`);
      await submit();
      const inline = await text('[data-testid=field-error-rack_id]');
      expect(new RegExp(`Rack ${spareRackId} does not exist`).test(inline), `inline: ${inline}`);
    },
    page,
  );

  await step(
    'deleting a rack that holds servers shows the 409 in the confirmation dialog',
    async () => {
      await page.goto(url(`/racks/${rackId}`));
      await page.locator('[data-testid=rack-elevation]').waitFor();
      await page.click('button:has-text("Delete")');
      await page.locator('dialog[open]').waitFor();
      await page.click('dialog[open] button:has-text("Delete rack")');
      const msg = await text('[data-testid=delete-error]');
      expect(/still has 1 servers?; move or delete them first/.test(msg), `dialog: ${msg}`);
      await shot('delete-blocked-409', false);
      await page.click('dialog[open] button:has-text("Cancel")');
      await page.locator('dialog[open]').waitFor({ state: 'detached' });
    },
    page,
  );

  await step(
    'delete the server, then the rack, then the datacenter, each after confirming',
    async () => {
      await page.goto(url(`/servers/${serverId}`));
      await page.click('button:has-text("Delete")');
      await page.click('dialog[open] button:has-text("Delete server")');
      await page.waitForURL(new RegExp(`/racks/${rackId}$`));
      await toast('Server deleted');
      await page.locator('[data-testid=rack-elevation]').waitFor();
      expect((await page.locator('[data-testid=elevation-device]').count()) === 0, 'rack is empty');

      await page.click('button:has-text("Delete")');
      await page.click('dialog[open] button:has-text("Delete rack")');
      await page.waitForURL(new RegExp(`/datacenters/${dcId}$`));
      await toast('Rack deleted');

      await page.click('button:has-text("Delete")');
      await page.click('dialog[open] button:has-text("Delete datacenter")');
      await page.waitForURL(/\/datacenters$/);
      await toast('Datacenter deleted');
    },
    page,
  );

  await step(
    'seed the demo estate through the API',
    async () => {
      const token = await apiToken(page, origin);
      const r = await page.request.post(url('/api/demo/seed'), {
        headers: { authorization: `Bearer ${token}` },
        data: {},
      });
      const raw = await r.text();
      let body = null;
      try {
        body = JSON.parse(raw);
      } catch {
        /* reported below */
      }
      expect(r.status() === 200 && body?.seeded === true, `seed: ${r.status()} ${raw.slice(0, 300)}`);
      ids.servers = body.servers;
      const racks = await (
        await page.request.get(url('/api/racks?limit=1000'), { headers: { authorization: `Bearer ${token}` } })
      ).json();
      const servers = await (
        await page.request.get(url('/api/servers?limit=1000'), { headers: { authorization: `Bearer ${token}` } })
      ).json();
      // the rack with the most varied, busiest front, for the elevation screenshot
      const byRack = new Map();
      for (const s of servers) {
        const e = byRack.get(s.rack_id) ?? { types: new Set(), n: 0 };
        e.types.add(s.server_type);
        e.n += 1;
        byRack.set(s.rack_id, e);
      }
      const score = ([, e]) => e.types.size * 100 + e.n;
      ids.rack = [...byRack.entries()].sort((a, b) => score(b) - score(a))[0][0];
      ids.rackName = racks.find((r) => r.id === ids.rack)?.name;
    },
    page,
  );

  await step(
    'dashboard shows KPIs and layerchart charts',
    async () => {
      await page.goto(url('/'));
      await page.locator('[data-testid=chart-utilization] .lc-bar').first().waitFor();
      await page.locator('[data-testid=chart-donut] .lc-arc-line').first().waitFor();
      const kpis = await page.locator('[data-testid=kpi]').count();
      expect(kpis === 8, `8 KPI cards, saw ${kpis}`);
      const bars = await page.locator('[data-testid=chart-utilization] .lc-bar').count();
      expect(bars >= 6, `utilisation bars: ${bars}`);
      const rows = await page.locator('[data-testid=dashboard-dc-table] tbody tr').count();
      expect(rows === 3, `3 datacenter rows, saw ${rows}`);
      await page.waitForTimeout(600); // let the bar transitions settle
      await shot('dashboard');
    },
    page,
  );

  await step(
    'servers list: debounced search, sort and filters live in the URL (back/forward work)',
    async () => {
      await page.goto(url('/servers'));
      await page.locator('[data-testid=table-count]').waitFor();
      const count = await text('[data-testid=table-count]');
      expect(count.includes(`of ${ids.servers} servers`), `total from X-Total-Count: ${count}`);
      await shot('servers');
      await page.fill('[data-testid=table-search]', 'gpu');
      await page.waitForURL(/q=gpu/);
      await page.locator('[data-testid=table-count]', { hasText: /of \d+ servers?/ }).waitFor();
      await page.waitForFunction(
        (all) => !document.querySelector('[data-testid=table-count]')?.textContent?.includes(`of ${all} `),
        ids.servers,
      );
      await page.click('th button:has-text("Nameplate W")');
      await page.waitForURL(/sort=power_supply_w/);
      await page.click('th button:has-text("Nameplate W")');
      await page.waitForURL(/sort=-power_supply_w/);
      await page.selectOption('select[aria-label=Status]', 'active');
      await page.waitForURL(/status=active/);
      await page.goBack();
      await page.waitForURL((u) => !u.search.includes('status=active') && u.search.includes('sort=-power_supply_w'));
      await page.goBack();
      await page.waitForURL((u) => u.search.includes('sort=power_supply_w') && !u.search.includes('-power'));
      await page.reload();
      await page.locator('[data-testid=table-search]').waitFor();
      expect((await page.inputValue('[data-testid=table-search]')) === 'gpu', 'search restored after reload');
      await page.locator('th[aria-sort=ascending] button:has-text("Nameplate W")').waitFor();
    },
    page,
  );

  await step(
    'rack elevation of a populated rack',
    async () => {
      await page.goto(url(`/racks/${ids.rack}`));
      await page.locator('[data-testid=elevation-device]').first().waitFor();
      const n = await page.locator('[data-testid=elevation-device]').count();
      expect(n > 3, `devices drawn: ${n}`);
      await shot('rack-elevation');
    },
    page,
  );

  await step(
    'clicking a server in the elevation opens its detail page',
    async () => {
      // the first server: above it sit the rack's top-of-rack switch and, beside it, its PDUs
      const dev = page.locator('[data-testid=elevation-device][data-kind=server]').first();
      const name = await dev.getAttribute('data-name');
      await dev.click();
      await page.waitForURL(/\/servers\/\d+$/);
      expect((await text('h1')) === name, `heading is ${name}`);
      await page.locator('nav[aria-label=Breadcrumb] a', { hasText: ids.rackName }).waitFor();
      await page.locator('.dev.hl').waitFor();
      await shot('server-detail');
    },
    page,
  );

  await step(
    'audit log: filter by action and expand a before/after diff',
    async () => {
      await page.goto(url('/audit'));
      await page.locator('[data-testid=audit-table] tbody tr').first().waitFor();
      await page.selectOption('select[aria-label=Action]', 'update');
      await page.waitForURL(/action=update/);
      await page.selectOption('select[aria-label=Entity]', 'datacenter');
      await page.waitForURL(/entity_type=datacenter/);
      const row = page.locator('[data-testid=audit-table] tbody tr', { hasText: 'pue_target' }).first();
      await row.waitFor();
      await row.locator('button[aria-label="Expand row"]').click();
      const diff = page.locator('[data-testid=audit-diff]').first();
      await diff.waitFor();
      const changed = await diff.locator('tr.changed .key').allInnerTexts();
      expect(changed.includes('pue_target'), `changed keys: ${changed.join(', ')}`);
      await diff.locator('label.toggle input').check(); // show unchanged fields too
      await shot('audit-log', false);
      await page.selectOption('select[aria-label=Action]', '');
      await page.waitForURL((u) => !u.search.includes('action='));
      await page.selectOption('select[aria-label=Entity]', '');
      await page.waitForURL((u) => !u.search.includes('entity_type='));
      await page.locator('[data-testid=audit-table] tbody tr', { hasText: 'Create' }).first().waitFor();
      await page.click('[data-testid=audit-table] button[aria-label="Expand row"] >> nth=0');
      await page.locator('[data-testid=audit-diff]').first().waitFor();
    },
    page,
  );

  await step(
    'capacity page charts per datacenter',
    async () => {
      await page.goto(url('/capacity'));
      await page.locator('[data-testid=chart-capacity-U] .lc-bar').first().waitFor();
      const rows = await page.locator('[data-testid=capacity-table] tbody tr').count();
      expect(rows === 3, `3 rows, saw ${rows}`);
      await page.waitForTimeout(500);
      await shot('capacity');
    },
    page,
  );

  await step(
    'users page lists accounts with role and clearance controls',
    async () => {
      await page.goto(url('/users'));
      await page.locator('[data-testid=users-table] tbody tr', { hasText: 'ops.lead' }).waitFor();
      expect(await page.locator('select[aria-label="Role of ops.lead"]').isVisible(), 'role select');
      await shot('users', false);
    },
    page,
  );

  await step(
    'security page: this session is listed and marked as this device',
    async () => {
      await page.goto(url('/'));
      await page.click('nav a:has-text("Security")');
      await page.waitForURL(/\/security$/);
      const row = page.locator('[data-testid=session-row]', { has: page.locator('[data-testid=this-device]') });
      await row.waitFor();
      const cells = await row.innerText();
      expect(/Chrome on Linux/.test(cells), `device label: ${cells}`);
      expect(/Active/.test(cells) && /Password/.test(cells), `state and method: ${cells}`);
      expect((await page.locator('[data-testid=this-device]').count()) === 1, 'exactly one current session');
    },
    page,
  );

  await step(
    'create an API token: inline errors first, then the show-once dialog with a dcp_ secret',
    async () => {
      await page.click('[data-testid=create-token]');
      await page.locator('dialog[open] #token-name').waitFor();
      await page.uncheck('dialog[open] input[name=scopes][value=read]');
      await page.click('[data-testid=token-submit]');
      const nameErr = await text('[data-testid=field-error-name]');
      expect(/Name is required/.test(nameErr), `name error: ${nameErr}`);
      const scopeErr = await text('[data-testid=field-error-scopes]');
      expect(/^Choose at least one scope$/.test(scopeErr), `scopes error: ${scopeErr}`);
      await page.fill('#token-name', 'e2e inventory reader');
      await page.check('dialog[open] input[name=scopes][value=read]');
      await page.selectOption('#token-expiry', '30');
      await page.click('[data-testid=token-submit]');
      await page.locator('[data-testid=token-dialog]').waitFor();
      ids.token = await page.inputValue('[data-testid=new-token]');
      expect(/^dcp_[A-Za-z0-9_-]{20,}$/.test(ids.token), `token: ${ids.token}`);
      expect(/only time it is shown/.test(await text('[data-testid=token-dialog]')), 'show-once warning');
      await page.click('[data-testid=copy-token]');
      await page.locator('[data-testid=copy-token]', { hasText: 'Copied' }).waitFor();
      await shot('security-token-dialog', false);
      await page.click('[data-testid=token-done]');
      await page.locator('dialog[open]').waitFor({ state: 'detached' });
      const row = page.locator('[data-testid=token-row][data-name="e2e inventory reader"]');
      await row.waitFor();
      expect((await row.innerText()).includes(ids.token.slice(0, 12)), 'the list shows the prefix');
      expect((await page.locator('[data-testid=new-token]').count()) === 0, 'the secret is gone from the page');
      await shot('security');
    },
    page,
  );

  await step(
    'the new token works as a bearer token (GET /api/servers)',
    async () => {
      const r = await fetch(url('/api/servers?limit=1'), { headers: { authorization: `Bearer ${ids.token}` } });
      const body = await r.text();
      expect(r.status === 200, `status ${r.status}: ${body.slice(0, 200)}`);
      const total = r.headers.get('x-total-count');
      expect(Array.isArray(JSON.parse(body)) && total === String(ids.servers), `all ${ids.servers} servers: ${total}`);
    },
    page,
  );

  await step(
    'revoke the token after confirming: the same call is now 401',
    async () => {
      const row = page.locator('[data-testid=token-row][data-name="e2e inventory reader"]');
      await row.locator('button:has-text("Revoke")').click();
      await page.locator('dialog[open]', { hasText: 'e2e inventory reader' }).waitFor();
      await page.click('[data-testid=confirm-revoke]');
      await toast('Token revoked');
      await row.waitFor({ state: 'detached' });
      const r = await fetch(url('/api/servers?limit=1'), { headers: { authorization: `Bearer ${ids.token}` } });
      expect(r.status === 401, `status after revoking: ${r.status}`);
    },
    page,
  );

  await step(
    '"Sign out everywhere else" leaves only this device signed in',
    async () => {
      const rows = page.locator('[data-testid=session-row]');
      expect((await rows.count()) > 1, 'other sessions exist (the API tokens minted by this test)');
      await page.click('[data-testid=revoke-others]');
      await page.click('[data-testid=confirm-revoke]');
      await toast('Signed out everywhere else');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=session-row]').length === 1);
      await page.locator('[data-testid=session-row] [data-testid=this-device]').waitFor();
      expect(await page.locator('[data-testid=revoke-others]').isDisabled(), 'nothing left to sign out');
    },
    page,
  );

  await step(
    'audit log: Verify chain reports the chain intact; an admin signs a checkpoint',
    async () => {
      await page.goto(url('/audit'));
      await page.locator('[data-testid=audit-table] tbody tr').first().waitFor();
      await page.click('[data-testid=verify-chain]');
      const ok = await text('[data-testid=chain-ok] h2');
      expect(/^Chain intact — [\d,]+ entries, #1–#\d+, head [0-9a-f]{4}…$/.test(ok), `verify: ${ok}`);
      await page.click('[data-testid=sign-checkpoint]');
      await toast('Checkpoint #');
      await page.locator('[data-testid=checkpoints] tbody tr').first().waitFor();
      await page.click('[data-testid=verify-chain]');
      await page.locator('[data-testid=chain-ok]', { hasText: /(\d+) of \1 signed checkpoints verified/ }).waitFor();
      await shot('audit-verify', false);
    },
    page,
  );

  await step(
    'dark theme from the user menu (and it persists)',
    async () => {
      await page.goto(url('/'));
      await page.locator('[data-testid=chart-utilization] .lc-bar').first().waitFor();
      await page.click('[data-testid=user-menu]');
      await page.click('[data-testid=theme-toggle]');
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      await page.reload();
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      await page.locator('[data-testid=chart-utilization] .lc-bar').first().waitFor();
      await page.waitForTimeout(600);
      await shot('dashboard-dark');
      await page.goto(url(`/racks/${ids.rack}`));
      await page.locator('[data-testid=elevation-device]').first().waitFor();
      await shot('rack-elevation-dark');
      await page.evaluate(() => localStorage.setItem('theme', 'light'));
    },
    page,
  );

  await step(
    'lists: racks and servers show live kW and °C columns, and the racks list is not clipped at 1280-1920 px',
    async () => {
      const token = await apiToken(page, origin);
      const auth = { authorization: `Bearer ${token}` };
      const [srv] = await (await page.request.get(url('/api/servers?limit=1&sort=id'), { headers: auth })).json();
      const ingest = await page.request.post(url('/api/metrics/ingest'), {
        headers: { authorization: `Bearer ${token}` },
        data: [
          { server: srv.id, metric: 'power_w', value: 352, ts: Date.now() },
          { server: srv.id, metric: 'inlet_temp_c', value: 23.4, ts: Date.now() },
        ],
      });
      expect(ingest.ok(), `ingest: ${ingest.status()} ${await ingest.text()}`);
      for (const width of [1280, 1440, 1920]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(url(`/racks?q=${encodeURIComponent(srv.rack_name)}`));
        await page.locator('[data-testid=racks-table] tbody tr').first().waitFor();
        const heads = await page.locator('[data-testid=racks-table] thead').innerText();
        expect(/Power now/.test(heads) && /Inlet max/.test(heads) && /Status/.test(heads), `rack headers: ${heads}`);
        const fits = await page.evaluate(() => {
          const box = document.querySelector('[data-testid=racks-table] .scroll');
          const table = box?.querySelector('table');
          return box && table ? table.scrollWidth <= box.clientWidth + 1 : false;
        });
        expect(fits, `the racks table fits at ${width} px`);
        if (width === 1440) await shot('racks-1440', false);
      }
      await page
        .locator('[data-testid=racks-table] [data-testid=live-kw]', { hasText: /0\.4 kW|352|0\.35/ })
        .first()
        .waitFor({ timeout: 30_000 });
      await page.goto(url(`/servers?q=${encodeURIComponent(srv.name)}`));
      const heads = await page.locator('[data-testid=servers-table] thead').innerText();
      expect(/Nameplate W/.test(heads) && /Draw now/.test(heads) && /Inlet/.test(heads), `server headers: ${heads}`);
      await page.locator('[data-testid=live-w]', { hasText: '352' }).first().waitFor({ timeout: 30_000 });
      await page.locator('[data-testid=live-inlet]', { hasText: '23.4' }).first().waitFor();
      await shot('servers-live-columns', false);
    },
    page,
  );

  await step(
    'Export CSV downloads the filtered list as CSV',
    async () => {
      await page.goto(url('/servers?q=gpu&sort=-power_supply_w'));
      await page.locator('[data-testid=servers-table] tbody tr').first().waitFor();
      const shown = await text('[data-testid=table-count]');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=servers-table] [data-testid=export-csv]'),
      ]);
      expect(/^servers-\d{4}-\d{2}-\d{2}\.csv$/.test(download.suggestedFilename()), download.suggestedFilename());
      const { readFile } = await import('node:fs/promises');
      const csv = await readFile(await download.path(), 'utf8');
      const [header, ...lines] = csv.trim().split('\r\n');
      expect(header.split(',').includes('name') && header.includes('rack_name'), `header: ${header}`);
      // every matching row, not just the page on screen
      expect(shown.includes(`of ${lines.length} servers`), `${lines.length} rows exported; table: ${shown}`);
    },
    page,
  );

  await step(
    'bulk edit: select rows, set their status in one action',
    async () => {
      await page.goto(url('/servers'));
      await page.locator('[data-testid=servers-table] tbody tr').first().waitFor();
      await page.click('[data-testid=select-all]');
      await page.locator('[data-testid=bulk-bar]').waitFor();
      const selected = await page.locator('[data-testid=select-row]:checked').count();
      await page.selectOption('[data-testid=bulk-status]', 'maintenance');
      await shot('bulk-edit', false);
      await page.click('[data-testid=bulk-status-apply]');
      await toast('Status set on');
      const token = await apiToken(page, origin);
      const res = await page.request.get(url('/api/servers?limit=1000'), {
        headers: { authorization: `Bearer ${token}` },
      });
      const all = await res.json();
      const inMaintenance = all.filter((s) => s.status === 'maintenance').length;
      expect(selected > 0 && inMaintenance >= selected, `${selected} selected, ${inMaintenance} in maintenance`);
      expect((await page.locator('[data-testid=bulk-bar]').count()) === 0, 'the selection is cleared');
    },
    page,
  );

  await step(
    'an admin creates a user from the Users page and gets the invite password once',
    async () => {
      await page.goto(url('/users'));
      await page.click('[data-testid=invite-user]');
      await page.fill('#invite-username', 'e2e.invitee');
      await page.fill('#invite-email', 'e2e.invitee@example.com');
      await page.fill('#invite-full_name', 'Eve Invitee');
      await page.selectOption('#invite-role', 'operator');
      await page.click('[data-testid=invite-submit]');
      const pw = (await page.locator('[data-testid=invite-password]').innerText()).trim();
      expect(pw.length === 20, `generated password: ${pw.length} characters`);
      await shot('user-invite', false);
      await page.click('button:has-text("Done")');
      await page.fill('[data-testid=table-search]', 'e2e.invitee');
      await page.locator('tbody', { hasText: 'e2e.invitee' }).first().waitFor();
    },
    page,
  );

  await step(
    'a missing server shows a not-found state',
    async () => {
      await page.goto(url('/servers/999999'));
      await page.locator('text=Not found').first().waitFor();
      await page.locator('text=Server 999999 does not exist').first().waitFor();
    },
    page,
  );

  await step(
    'sign out, then a viewer sees no write actions',
    async () => {
      await page.goto(url('/'));
      await page.click('[data-testid=user-menu]');
      await page.click('button:has-text("Sign out")');
      await page.waitForURL(/\/login/);
      await login('noc.viewer', 'demo-password-2026');
      await page.waitForURL((u) => u.pathname === '/');
      await page.goto(url('/servers'));
      await page.locator('[data-testid=servers-table] tbody tr').first().waitFor();
      expect((await page.locator('a:has-text("Add server")').count()) === 0, 'no Add server button');
      expect((await page.locator('[data-testid=select-row]').count()) === 0, 'no bulk-edit checkboxes');
      expect((await page.locator('nav a:has-text("Users")').count()) === 0, 'no Users link');
      await page.goto(url('/servers/new'));
      await page.locator('text=You do not have permission').first().waitFor();
      await page.goto(url(`/racks/${ids.rack}`));
      await page.locator('[data-testid=elevation-device]').first().waitFor();
      expect((await page.locator('button:has-text("Delete")').count()) === 0, 'no Delete button');
    },
    page,
  );

  await step(
    'sign-in throttling: after 5 failed sign-ins the form counts down instead of a generic error',
    async () => {
      await page.click('[data-testid=user-menu]');
      await page.click('button:has-text("Sign out")');
      await page.waitForURL(/\/login/);
      // a throwaway account name: the admin and the demo users stay unthrottled
      for (let i = 1; i <= 5; i++) {
        const res = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
        await login('e2e.locked', `wrong-password-${i}`);
        expect((await res).status() === 401, `attempt ${i} is a plain 401`);
        await page.locator('[data-testid=login-error]').waitFor();
      }
      await login('e2e.locked', 'wrong-password-6');
      const msg = page.locator('[data-testid=login-throttled]');
      await msg.waitFor();
      const first = (await msg.innerText()).trim();
      expect(/^Too many failed sign-ins\. Try again in 1[45]:\d\d/.test(first), `message: ${first}`);
      expect((await page.locator('[data-testid=login-error]').count()) === 0, 'no generic error banner');
      await page.waitForTimeout(1100);
      expect((await msg.innerText()).trim() !== first, 'the countdown ticks');
      await shot('login-throttled', false);
    },
    page,
  );

  await step('no uncaught errors in the page', async () => {
    expect(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  });
}

async function apiToken(page, origin) {
  const r = await page.request.post(`${origin}/api/token`, { form: { username: 'admin', password: 'admin123' } });
  const body = await r.json();
  if (!body.access_token) throw new Error(`token: ${r.status()} ${JSON.stringify(body)}`);
  return body.access_token;
}

// ---------------------------------------------------------------------------------------------------------------

await browserSuite('ui', { port: 8788 }, ({ page, origin, pageErrors, step }) =>
  scenario(page, origin, pageErrors, step),
);
