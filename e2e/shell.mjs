// The app frame in a browser: sign-in autofocus, skip link and focus ring, the global search type-ahead (mouse
// free), the navigation drawer at a phone's width, the not-found page, and pages of missing (or hidden) racks
// and servers that must not go live. Screenshots: e2e/screenshots/shell-*.png.
import { browserSuite } from './lib/harness.mjs';

browserSuite('shell', { port: 8852 }, async ({ page, origin, step, shot, expect, pageErrors }) => {
  const url = (p) => `${origin}${p}`;
  const active = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return {
        id: el?.id ?? '',
        tag: el?.tagName ?? '',
        cls: el?.className ?? '',
        text: el?.textContent?.trim() ?? '',
      };
    });
  let token;
  const api = async (method, path, data) => {
    const r = await page.request.fetch(url(`/api${path}`), {
      method,
      headers: { authorization: `Bearer ${token}` },
      data,
    });
    expect(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
  let server;

  await step('the sign-in form has the username focused', async () => {
    await page.goto(url('/login'));
    await page.locator('#username').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('admin123');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    const tok = await page.request.post(url('/api/token'), { form: { username: 'admin', password: 'admin123' } });
    token = (await tok.json()).access_token;
    await api('POST', '/demo/seed', {});
    const racks = await api('GET', '/racks?limit=100&security_zone=Internal');
    const rack = racks.find((r) => r.server_count > 0);
    [server] = await api('GET', `/servers?rack_id=${rack.id}&limit=1`);
  });

  await step('the first Tab reaches a skip link that moves focus past the sidebar', async () => {
    await page.goto(url('/capacity'));
    await page.locator('main#main').waitFor();
    await page.keyboard.press('Tab');
    const first = await active();
    expect(first.cls.includes('skip-link'), `first Tab stop: ${JSON.stringify(first)}`);
    expect(await page.locator('.skip-link').isVisible(), 'skip link shows when focused');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
  });

  await step('a focused button shows a visible focus ring', async () => {
    await page.goto(url('/datacenters'));
    const btn = page.locator('main .btn').first();
    await btn.waitFor();
    await btn.focus();
    const ring = await btn.evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: s.outlineWidth, matches: el.matches(':focus-visible') };
    });
    expect(ring.matches && ring.style !== 'none' && ring.width !== '0px', `ring: ${JSON.stringify(ring)}`);
  });

  await step('global search: "/" focuses, hits are grouped by kind, arrows and Enter open one', async () => {
    await page.goto(url('/'));
    await page.locator('main#main').waitFor();
    await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : null));
    await page.keyboard.press('/');
    expect(
      (await active()).id === '' &&
        (await page.evaluate(() => document.activeElement?.getAttribute('role'))) === 'combobox',
      'combobox focused',
    );
    await page.keyboard.type(server.name);
    const listbox = page.locator('#global-search-listbox');
    await listbox.locator('[role=option][data-kind=servers]').first().waitFor();
    const input = page.locator('[data-testid=global-search]');
    expect((await input.getAttribute('aria-expanded')) === 'true', 'aria-expanded');
    const groups = await listbox.locator('[role=group]').count();
    expect(groups >= 2, `groups: ${groups}`);
    await shot('shell-search');
    // the exact name ranks first among servers: walk down to it
    const options = await listbox
      .locator('[role=option]')
      .evaluateAll((els) => els.map((e) => e.dataset.kind + ':' + e.querySelector('.label')?.textContent));
    const target = options.indexOf(`servers:${server.name}`);
    expect(target >= 0, `options: ${options.join(', ')}`);
    const first = await input.getAttribute('aria-activedescendant');
    expect(!!first, 'an option is active');
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    const activeId = await input.getAttribute('aria-activedescendant');
    expect(activeId === `gs-opt-servers-${server.id}`, `active: ${activeId}`);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === `/servers/${server.id}`);
  });

  await step('global search: Ctrl-K focuses it, Escape closes the list, no match says so', async () => {
    await page.keyboard.press('Control+k');
    const input = page.locator('[data-testid=global-search]');
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'combobox');
    await page.keyboard.type('zz-no-such-thing-zz');
    await page.locator('.gsearch [role=status]', { hasText: 'No datacenter, rack or server matches' }).waitFor();
    await page.keyboard.press('Escape');
    expect((await input.getAttribute('aria-expanded')) === 'false', 'closed on Escape');
  });

  await step('phone width: the menu button opens a drawer that holds focus and closes on Escape', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url('/'));
    await page.locator('main#main').waitFor();
    const sidebar = page.locator('#app-sidebar');
    expect(!(await sidebar.isVisible()), 'sidebar hidden at 390 px');
    // main spans the viewport (less a scrollbar), no sidebar column beside it
    const { main, viewport } = await page.evaluate(() => ({
      main: document.querySelector('main')?.getBoundingClientRect().width ?? 0,
      viewport: document.documentElement.clientWidth,
    }));
    expect(main >= viewport - 1, `main is ${main} px wide of ${viewport}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 0, `page scrolls sideways by ${overflow} px`);
    await shot('shell-phone-dashboard');
    const toggle = page.locator('#nav-toggle');
    await toggle.click();
    await sidebar.waitFor({ state: 'visible' });
    expect((await toggle.getAttribute('aria-expanded')) === 'true', 'aria-expanded');
    await page.waitForFunction(() => document.getElementById('app-sidebar')?.contains(document.activeElement));
    await page.waitForTimeout(300);
    await shot('shell-phone-drawer', false);
    // Tab stays inside the drawer
    for (let i = 0; i < 25; i++) await page.keyboard.press('Tab');
    expect(
      await page.evaluate(() => document.getElementById('app-sidebar')?.contains(document.activeElement)),
      'focus trapped',
    );
    await page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });
    expect((await active()).id === 'nav-toggle', 'focus back on the menu button');
    // a link in the drawer navigates and closes it
    await toggle.click();
    await sidebar.locator('a[href="/racks"]').click();
    await page.waitForURL((u) => u.pathname === '/racks');
    await sidebar.waitFor({ state: 'hidden' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await step('an unknown address shows the not-found page inside the app frame', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(url('/no/such/page'));
    await page.locator('[data-testid=error-page]', { hasText: 'Page not found' }).waitFor();
    expect(await page.locator('#app-sidebar').isVisible(), 'sidebar present');
    expect(await page.locator('[data-testid=error-page] a[href="/"]').isVisible(), 'a way back');
    await shot('shell-404');
  });

  const problem = (slug, detail) => ({
    status: 401,
    contentType: 'application/problem+json',
    body: JSON.stringify({
      type: `https://dc-platform.dev/problems/${slug}`,
      title: 'Unauthorized',
      status: 401,
      detail,
    }),
  });

  await step('a 401 that is a failed verification keeps the user signed in and shows its message', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.route(
      '**/api/dashboard/metrics',
      (r) => r.fulfill(problem('passkey-verification-failed', 'The passkey response did not verify: test.')),
      { times: 1 },
    );
    await page.goto(url('/'));
    await page.locator('.err', { hasText: 'did not verify' }).waitFor();
    await page.waitForTimeout(500);
    expect(new URL(page.url()).pathname === '/', `moved to ${page.url()}`);
    expect(await page.locator('[data-testid=user-menu]').isVisible(), 'still signed in');
  });

  await step('a 401 that ends the session sends the user to sign in', async () => {
    await page.route(
      '**/api/dashboard/metrics',
      (r) => r.fulfill(problem('unauthorized', 'This session has ended; sign in again.')),
      { times: 1 },
    );
    await page.goto(url('/capacity'));
    await page.locator('main#main').waitFor();
    await page.click('#app-sidebar a[href="/"]');
    await page.waitForURL((u) => u.pathname === '/login');
  });

  await step('a rack or server that answers 404 opens no live socket and asks for no metrics', async () => {
    const sockets = [];
    const metrics = [];
    // the app shell's own alert feed (/api/live/alerts) is open on every page; rack and server sockets must not be
    const onSocket = (ws) => !ws.url().endsWith('/api/live/alerts') && sockets.push(ws.url());
    const onRequest = (r) => r.url().includes('/api/metrics') && metrics.push(r.url());
    page.on('websocket', onSocket);
    page.on('request', onRequest);
    const errorsBefore = pageErrors.length;
    for (const path of ['/racks/987654', '/servers/987654']) {
      await page.goto(url(path));
      await page.locator('.err', { hasText: 'Not found' }).first().waitFor();
      await page.waitForTimeout(1500);
    }
    page.off('websocket', onSocket);
    page.off('request', onRequest);
    expect(!sockets.length, `sockets: ${sockets.join(', ')}`);
    expect(!metrics.length, `metrics requests: ${metrics.join(', ')}`);
    expect(pageErrors.length === errorsBefore, `page errors: ${pageErrors.slice(errorsBefore).join('; ')}`);
  });
});
