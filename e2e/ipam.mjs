// IP addresses, in a browser, as an operator records a new subnet: a VLAN through its form (an out-of-range VID
// refused inline first), a prefix on that VLAN and site (an impossible CIDR refused inline by the API first), the
// next free address of the prefix allocated to a server, the address map and utilisation showing it, a second
// address from a free cell of the map, a duplicate refused with the API's 409 naming the holder, and the addresses
// tab listing both with their assignments, searchable.
// Screenshots: e2e/screenshots/ipam-*.png.
import { browserSuite, signInAdmin } from './lib/harness.mjs';

browserSuite('ipam', { port: 8882 }, async ({ page, origin, step, shot, expect, pageErrors }) => {
  const url = (p) => `${origin}${p}`;
  let call;
  const rows = (table) =>
    page.$$eval(`[data-testid=${table}] tbody tr`, (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ')));
  let dc;
  let server;
  let vlan;
  let prefix;

  await step('sign in, and a site with a rack and a server', async () => {
    call = await signInAdmin(page, origin, expect);
    dc = await call('POST', '/datacenters', { name: 'E2E IPAM DC', location: 'Frankfurt', tier: 'Tier 3' });
    const rack = await call('POST', '/racks', {
      name: 'E2E-IPAM-R01',
      datacenter_id: dc.id,
      u_capacity: 42,
      power_capacity_kw: 12,
    });
    server = await call('POST', '/servers', {
      name: 'e2e-ipam-web01',
      rack_id: rack.id,
      serial_number: 'E2E-IPAM-SN-01',
      u_position: 10,
      u_size: 1,
      power_supply_w: 500,
    });
  });

  await step('the IP addresses page starts empty, with a way to add the first prefix', async () => {
    await page.goto(url('/ipam'));
    await page.locator('[data-testid=prefixes-table]').getByText('No prefixes yet').waitFor();
    await page.locator('[data-testid=ipam-kpi] .value').first().waitFor();
    const kpis = await page.$$eval('[data-testid=ipam-kpi] .value', (els) => els.map((e) => e.textContent.trim()));
    expect(kpis[0] === '0' && kpis[1] === '0' && kpis[2] === '0', `KPIs start at zero: ${kpis.join(', ')}`);
    await shot('ipam-empty', false);
  });

  await step('a VLAN through its form: VID 5000 is refused inline, VID 120 is created', async () => {
    await page.click('[data-testid=tab-vlans]');
    await page.waitForURL((u) => u.searchParams.get('tab') === 'vlans');
    await page.locator('[data-testid=vlans-table]').getByText('No VLANs yet').waitFor();
    await page.click('a.btn-primary[href="/ipam/vlans/new"] >> nth=0');
    await page.waitForURL((u) => u.pathname === '/ipam/vlans/new');
    const form = page.locator('[data-testid=vlan-form]');
    await form.waitFor();
    await page.fill('#f-vid', '5000');
    await page.fill('#f-name', 'e2e-servers');
    await page.selectOption('#f-datacenter_id', String(dc.id));
    await page.fill('#f-role', 'production');
    await page.click('[data-testid=form-submit]');
    const err = page.locator('[data-testid=field-error-vid]');
    await err.waitFor();
    const text = await err.textContent();
    expect(/4094/.test(text), `the VID error says the range: ${text}`);
    expect((await page.getAttribute('#f-vid', 'aria-invalid')) === 'true', 'the VID field is marked invalid');
    expect(page.url().endsWith('/ipam/vlans/new'), 'still on the form');
    await shot('ipam-vlan-invalid', false);
    await page.fill('#f-vid', '120');
    expect((await err.count()) === 0, 'the error goes once the field is edited');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => u.pathname === '/ipam' && u.searchParams.get('tab') === 'vlans');
    const row = page.locator('[data-testid=vlans-table] tbody tr', { hasText: 'e2e-servers' });
    await row.waitFor();
    const t = (await row.textContent()).replace(/\s+/g, ' ');
    expect(/120/.test(t) && t.includes('E2E IPAM DC'), `the VLAN row: ${t}`);
    const vlans = await call('GET', '/ipam/vlans');
    vlan = vlans.find((v) => v.name === 'e2e-servers');
    expect(vlan && vlan.datacenter_id === dc.id, `VLAN saved on the site: ${JSON.stringify(vlans)}`);
    await shot('ipam-vlans', false);
  });

  await step('a prefix through its form: /33 is refused inline by the API, 10.50.0.0/24 is created', async () => {
    await page.click('[data-testid=tab-prefixes]');
    await page.waitForURL((u) => u.pathname === '/ipam' && !u.searchParams.get('tab'));
    await page.click('a.btn-primary[href="/ipam/prefixes/new"] >> nth=0');
    await page.waitForURL((u) => u.pathname === '/ipam/prefixes/new');
    await page.locator('[data-testid=prefix-form]').waitFor();
    // the VLAN list follows the site: a site VLAN is offered only once its site is chosen
    const before = await page.$$eval('#f-vlan_id option', (os) => os.map((o) => o.textContent));
    expect(!before.some((o) => o.includes('e2e-servers')), `no site VLAN before a site: ${before.join(', ')}`);
    await page.fill('#f-prefix', '10.50.0.0/33');
    await page.fill('#f-role', 'servers');
    await page.selectOption('#f-datacenter_id', String(dc.id));
    await page.selectOption('#f-vlan_id', String(vlan.id));
    await page.fill('#f-description', 'E2E web tier');
    await page.click('[data-testid=form-submit]');
    const err = page.locator('[data-testid=field-error-prefix]');
    await err.waitFor();
    const text = await err.textContent();
    expect(/32|length/i.test(text), `the prefix error explains: ${text}`);
    expect(page.url().endsWith('/ipam/prefixes/new'), 'still on the form');
    await shot('ipam-prefix-invalid', false);
    await page.fill('#f-prefix', '10.50.0.0/24');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => /^\/ipam\/prefixes\/\d+$/.test(u.pathname));
    prefix = await call('GET', `/ipam/prefixes/${page.url().split('/').pop()}`);
    expect(
      prefix.prefix === '10.50.0.0/24' && prefix.vlan_id === vlan.id && prefix.datacenter_id === dc.id,
      `prefix saved with its VLAN and site: ${JSON.stringify(prefix)}`,
    );
    await page.locator('[data-testid=prefix-utilisation]').waitFor();
    const header = (await page.locator('.page-header').textContent()).replace(/\s+/g, ' ');
    expect(header.includes('E2E IPAM DC') && header.includes('VLAN 120'), `the header names site and VLAN: ${header}`);
    await page.locator('[data-testid=address-map]').waitFor();
    await page.mouse.move(0, 0); // no map cell hovered where the submit button was
    await shot('ipam-prefix-new');
  });

  await step('allocate next free: Cancel closes the dialog, then the first host goes to the server', async () => {
    const form = page.locator('[data-testid=allocate-form]');
    await page.click('[data-testid=allocate-next]');
    await form.waitFor();
    await form.getByRole('link', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname === `/ipam/prefixes/${prefix.id}`, `still on the prefix: ${page.url()}`);
    await page.click('[data-testid=allocate-next]');
    await form.waitFor();
    await page.selectOption('#f-assigned_kind', 'server');
    await page.fill('#f-assigned_search', 'web01');
    await page.selectOption('#f-assigned_id', String(server.id));
    await page.fill('#f-dns_name', 'web01.e2e.example.com');
    await shot('ipam-allocate-form', false);
    await form.locator('[data-testid=form-submit]').click();
    const done = page.locator('[data-testid=allocated]');
    await done.waitFor();
    const t = (await done.textContent()).replace(/\s+/g, ' ');
    expect(t.includes('10.50.0.1/24') && t.includes('e2e-ipam-web01'), `allocated: ${t}`);
    await shot('ipam-allocated', false);
    await done.getByRole('button', { name: 'Done' }).click();
    await done.waitFor({ state: 'detached' });
    const saved = await call('GET', '/ipam/ip-addresses?address=10.50.0.1');
    expect(
      saved.length === 1 && saved[0].assigned_kind === 'server' && saved[0].assigned_id === server.id,
      `10.50.0.1 on the server: ${JSON.stringify(saved)}`,
    );
  });

  await step('the address map and utilisation show it', async () => {
    const used = page.locator('[data-testid=address-map] .cell.used');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=address-map] .cell.used').length === 1);
    expect((await used.first().textContent()).trim() === '1', 'cell .1 is in use');
    expect(/e2e-ipam-web01/.test(await used.first().getAttribute('title')), 'its title names the server');
    const cells = await page.locator('[data-testid=address-map] .cell').count();
    expect(cells === 256, `256 cells: ${cells}`);
    const util = (await page.locator('[data-testid=prefix-utilisation]').textContent()).replace(/\s+/g, ' ');
    expect(/1 of 254 usable/.test(util), `utilisation counts it: ${util}`);
    const free = (await page.locator('[data-testid=prefix-free]').textContent()).replace(/\s+/g, ' ');
    expect(free.includes('10.50.0.2/24') && !free.includes('10.50.0.1/24'), `next free moves on: ${free}`);
    await page.locator('[data-testid=prefix-addresses] tbody tr', { hasText: '10.50.0.1/24' }).waitFor();
    await shot('ipam-prefix-allocated');
  });

  await step('the used cell opens the address, with its assignment; Edit opens its form', async () => {
    await page.click('[data-testid=address-map] a.cell.used');
    await page.waitForURL((u) => /^\/ipam\/ip-addresses\/\d+$/.test(u.pathname));
    const assignment = page.locator('[data-testid=address-assignment]');
    await assignment.getByRole('link', { name: 'e2e-ipam-web01' }).waitFor();
    const facts = (await page.locator('[data-testid=address-facts]').textContent()).replace(/\s+/g, ' ');
    expect(facts.includes('10.50.0.0/24'), `its prefix is named: ${facts}`);
    await shot('ipam-address-detail', false);
    await page.click('[data-testid=address-edit]');
    await page.waitForURL((u) => /^\/ipam\/ip-addresses\/\d+\/edit$/.test(u.pathname));
    await page.locator('[data-testid=address-form]').waitFor();
    expect((await page.inputValue('#f-address')) === '10.50.0.1/24', 'the address with its mask');
    expect((await page.inputValue('#f-assigned_kind')) === 'server', 'assigned to a server');
    expect((await page.inputValue('#f-assigned_id')) === String(server.id), 'that server');
    await shot('ipam-address-edit', false);
    await page.locator('[data-testid=address-form]').getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL((u) => u.pathname === `/ipam/prefixes/${prefix.id}`);
    await page.locator('[data-testid=address-map] .cell.used').waitFor();
  });

  await step('a free cell of the map opens the address form with that address', async () => {
    await page.click('[data-testid=address-map] a.cell.free[title^="10.50.0.10 "]');
    await page.waitForURL((u) => u.pathname === '/ipam/ip-addresses/new');
    await page.locator('[data-testid=address-form]').waitFor();
    expect((await page.inputValue('#f-address')) === '10.50.0.10/24', 'the address is filled in');
    await page.selectOption('#f-status', 'reserved');
    await page.fill('#f-dns_name', 'vip.e2e.example.com');
    await page.fill('#f-description', 'load balancer VIP');
    await page.click('[data-testid=form-submit]');
    await page.waitForURL((u) => u.pathname === `/ipam/prefixes/${prefix.id}`);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=address-map] .cell.reserved').length === 1,
    );
  });

  await step('a duplicate address through the form: the 409 names who holds it', async () => {
    await page.goto(url('/ipam?tab=addresses'));
    await page.locator('[data-testid=addresses-table] tbody tr').first().waitFor();
    await page.click('a.btn-primary[href="/ipam/ip-addresses/new"] >> nth=0');
    await page.waitForURL((u) => u.pathname === '/ipam/ip-addresses/new');
    await page.locator('[data-testid=address-form]').waitFor();
    await page.fill('#f-address', '10.50.0.1/24');
    await page.fill('#f-dns_name', 'web01-again.e2e.example.com');
    await page.click('[data-testid=form-submit]');
    const banner = page.locator('[data-testid=form-banner]');
    await banner.waitFor();
    const text = (await banner.textContent()).replace(/\s+/g, ' ');
    expect(/Conflict/.test(text) && /e2e-ipam-web01/.test(text), `the banner: ${text}`);
    const err = (await page.locator('[data-testid=field-error-address]').textContent()).replace(/\s+/g, ' ');
    expect(/already assigned to e2e-ipam-web01/.test(err), `the field error: ${err}`);
    expect(page.url().includes('/ipam/ip-addresses/new'), 'still on the form');
    await shot('ipam-address-conflict', false);
    const all = await call('GET', '/ipam/ip-addresses?address=10.50.0.1');
    expect(all.length === 1, `still one 10.50.0.1: ${all.length}`);
  });

  await step('the addresses tab lists both with their assignments, and search narrows it', async () => {
    await page.goto(url('/ipam?tab=addresses'));
    const table = page.locator('[data-testid=addresses-table]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=addresses-table] tbody tr').length === 2);
    const listed = await rows('addresses-table');
    const web = listed.find((t) => t.includes('10.50.0.1/24'));
    expect(
      web && web.includes('e2e-ipam-web01') && web.includes('Server') && web.includes('web01.e2e.example.com'),
      `10.50.0.1 with its server: ${web}`,
    );
    expect(web.includes('E2E IPAM DC') && web.includes('10.50.0.0/24'), `its site and prefix: ${web}`);
    expect(
      listed.some((t) => t.includes('10.50.0.10/24') && /Reserved/i.test(t)),
      `the VIP: ${listed.join(' | ')}`,
    );
    const link = table.locator('tbody tr', { hasText: '10.50.0.1/24' }).locator(`a[href="/servers/${server.id}"]`);
    expect((await link.count()) === 1, 'the assignment links to the server');
    await shot('ipam-addresses', false);

    await table.locator('[data-testid=table-search]').fill('vip.e2e');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=addresses-table] tbody tr').length === 1);
    expect((await rows('addresses-table'))[0].includes('10.50.0.10/24'), 'search by DNS name');
    await table.locator('[data-testid=table-search]').fill('10.50.0.1');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=addresses-table] tbody tr')].some((tr) =>
        tr.textContent.includes('10.50.0.1/24'),
      ),
    );
    await table.locator('[data-testid=table-search]').fill('no-such-host');
    await table
      .getByText(/No .*match|No addresses/i)
      .first()
      .waitFor();
    await shot('ipam-addresses-search-empty', false);
    await table.locator('[data-testid=table-search]').fill('web01');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid=addresses-table] tbody tr').length === 1 &&
        document.querySelector('[data-testid=addresses-table] tbody tr').textContent.includes('10.50.0.1/24'),
    );
    await shot('ipam-addresses-search', false);
  });

  await step('a container around it: the /24 is its child, the rest free blocks', async () => {
    const container = await call('POST', '/ipam/prefixes', {
      prefix: '10.50.0.0/16',
      status: 'container',
      datacenter_id: dc.id,
      description: 'E2E site block',
    });
    await page.goto(url(`/ipam/prefixes/${container.id}`));
    const children = page.locator('[data-testid=prefix-children] tbody tr', { hasText: '10.50.0.0/24' });
    await children.waitFor();
    const blocks = (await page.locator('[data-testid=prefix-blocks]').textContent()).replace(/\s+/g, ' ');
    expect(blocks.includes('10.50.1.0/24') && blocks.includes('10.50.128.0/17'), `free blocks: ${blocks}`);
    const util = (await page.locator('[data-testid=prefix-utilisation]').textContent()).replace(/\s+/g, ' ');
    expect(/Covered by child prefixes/.test(util) && /0\.4%/.test(util), `coverage: ${util}`);
    expect((await page.locator('[data-testid=address-map]').count()) === 0, 'no map for a /16');
    // addresses are given from its subnets: it offers a child prefix in its first free block instead
    expect((await page.locator('[data-testid=prefix-free]').count()) === 0, 'no next free addresses offered');
    expect((await page.locator('[data-testid=allocate-next]').count()) === 0, 'no allocate on a container');
    const add = await page.getAttribute('[data-testid=add-child]', 'href');
    expect(add.includes(encodeURIComponent('10.50.1.0/24')), `add child in the first free block: ${add}`);
    await shot('ipam-container');
    // the /24 now names its parent
    await children.locator('a').first().click();
    await page.waitForURL((u) => u.pathname === `/ipam/prefixes/${prefix.id}`);
    await page.locator('.page-header a[href="/ipam/prefixes/' + container.id + '"]').waitFor();
  });

  await step('the prefixes tab and KPIs count what was made', async () => {
    await page.goto(url('/ipam'));
    const row = page.locator('[data-testid=prefixes-table] tbody tr', { hasText: '10.50.0.0/24' });
    await row.waitFor();
    const t = (await row.textContent()).replace(/\s+/g, ' ');
    expect(t.includes('120') && t.includes('e2e-servers') && t.includes('E2E IPAM DC'), `the prefix row: ${t}`);
    await page.reload();
    await page.locator('[data-testid=ipam-kpi] .value').first().waitFor();
    const kpis = await page.$$eval('[data-testid=ipam-kpi] .value', (els) => els.map((e) => e.textContent.trim()));
    expect(kpis[0] === '2' && kpis[1] === '2' && kpis[2] === '1', `KPIs: ${kpis.join(', ')}`);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=prefixes-table] tbody tr').length === 2);
    const order = await rows('prefixes-table');
    expect(
      order.length === 2 && order[0].includes('10.50.0.0/16') && order[1].includes('10.50.0.0/24'),
      `the /24 under its container: ${order.join(' | ')}`,
    );
    await shot('ipam-prefixes', false);
  });

  await step('no page errors', async () => {
    expect(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  });
});
