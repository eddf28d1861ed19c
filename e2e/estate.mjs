// The physical estate beyond servers, in a browser, on the demo with its simulator running: rack elevations that
// draw switches, arrays and zero-U PDUs beside servers; a storage array's capacity, RAID layout and live IOPS, a
// snapshot refused inline then recorded, and an impossible RAID layout refused inline; the network topology with
// live link utilisation and a cable laid from a switch's faceplate; and the power chain's "what if this feed
// fails?" view: lost and degraded devices, the overloaded surviving feed, the floor and the outlined elevation,
// checked against the API. Screenshots: e2e/screenshots/estate-*.png.
import { adminApiToken, browserSuite } from './lib/harness.mjs';

browserSuite(
  'estate',
  { port: 8880, env: { SEED: '1', SIMULATE: '1' } },
  async ({ page, origin, step, shot, expect }) => {
    const url = (p) => `${origin}${p}`;
    let token;
    const get = async (path) => {
      const r = await page.request.get(url(`/api${path}`), { headers: { authorization: `Bearer ${token}` } });
      expect(r.ok(), `GET ${path}: ${r.status()}`);
      return r.json();
    };

    await step('sign in', async () => {
      await page.goto(url('/login'));
      await page.fill('#username', 'admin');
      await page.fill('#password', 'admin123');
      await page.click('button[type=submit]');
      await page.waitForURL((u) => u.pathname === '/');
      token = await adminApiToken(page, origin);
    });

    await step(
      'a storage rack draws its array, its top-of-rack switch and two zero-U PDUs beside the servers',
      async () => {
        const [rack] = await get('/racks?q=NYC1-C03');
        await page.goto(url(`/racks/${rack.id}`));
        await page.locator('[data-testid=elevation-device][data-kind=storage]').first().waitFor();
        const kinds = await page.$$eval('[data-testid=rack-elevation] [data-testid=elevation-device]', (els) =>
          els.map((e) => e.getAttribute('data-kind')),
        );
        expect(kinds.includes('server') && kinds.includes('network'), `kinds drawn: ${[...new Set(kinds)]}`);
        const zeroU = await page.locator('[data-testid=elevation-zero-u] [data-kind=pdu]').count();
        expect(zeroU === 2, `two zero-U PDUs, found ${zeroU}`);
        await page.locator('[data-testid=rack-elevation]').first().scrollIntoViewIfNeeded();
        await shot('estate-rack-elevation', false);
      },
    );

    await step('a storage array shows its capacity, RAID layout and live IOPS from the simulator', async () => {
      await page.click('a[href="/storage"]');
      await page.waitForURL((u) => u.pathname === '/storage');
      await page.locator('[data-testid=storage-summary]').waitFor();
      await shot('estate-storage-list', false);
      const [san] = await get('/storage?q=nyc1-san-01');
      await page.goto(url(`/storage/${san.id}`));
      const raid = await page.locator('[data-testid=raid-explanation]').textContent();
      expect(/RAID 6 over 24 disks/.test(raid) && /2 disks may fail/.test(raid), `RAID explanation: ${raid}`);
      // the simulator reports every 10 s through the ingest API, named by the array's inventory name
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-testid=storage-charts] svg path')].some(
            (p) => (p.getAttribute('d') ?? '').split('L').length > 3,
          ),
        null,
        { timeout: 60_000 },
      );
      const series = await get(`/metrics/racks?rack_id=${san.rack_id}&metric=storage_read_iops`);
      const mine = series.find((s) => s.labels.device === san.name);
      expect(
        mine && mine.points.length > 0,
        `storage_read_iops of ${san.name}: ${JSON.stringify(series).slice(0, 200)}`,
      );
      await shot('estate-storage-detail');
    });

    await step('a snapshot larger than the free space is refused inline, a fitting one is recorded', async () => {
      const [san] = await get('/storage?q=nyc1-san-01');
      await page.click('[data-testid=create-snapshot]');
      const form = page.locator('[data-testid=snapshot-form]');
      await form.locator('input').nth(0).fill('e2e-too-big');
      await form
        .locator('input')
        .nth(2)
        .fill(String(Math.ceil(san.free_tb * 1000) + 500));
      await form.locator('button.btn-primary').click();
      const err = form.locator('.field-error');
      await err.first().waitFor();
      const text = await err.first().textContent();
      expect(/free|exceed|larger|more than/i.test(text), `size refused inline: ${text}`);
      await shot('estate-snapshot-refused', false);
      await form.locator('input').nth(0).fill('e2e-nightly');
      await form.locator('input').nth(2).fill('250');
      await form.locator('button.btn-primary').click();
      await page.locator('[data-testid=snapshot-e2e-nightly]').waitFor();
      const snaps = await get(`/storage/${san.id}/snapshots?q=e2e-nightly`);
      expect(snaps.length === 1 && snaps[0].size_gb === 250, `recorded: ${JSON.stringify(snaps)}`);
    });

    await step('an impossible RAID layout is refused inline on the new-array form', async () => {
      await page.goto(url('/storage/new'));
      await page.locator('#f-name').waitFor();
      await page.fill('#f-name', 'e2e-bad-raid');
      const dc = await page.$$eval('#f-datacenter_id option', (o) => o.map((x) => x.value).filter(Boolean)[0]);
      await page.selectOption('#f-datacenter_id', dc);
      await page.selectOption('#f-raid_level', '6');
      await page.fill('#f-disk_count', '3');
      await page.fill('#f-raw_capacity_tb', '30');
      await page.click('[data-testid=storage-form] button[type=submit], form.rform button[type=submit]');
      const err = page.locator('[data-testid=field-error-disk_count]');
      await err.waitFor();
      const text = await err.textContent();
      expect(/RAID 6 needs at least 4 disks/.test(text), `disk_count error: ${text}`);
      await shot('estate-raid-refused', false);
    });

    await step('the topology draws the leaf-spine network with live link utilisation', async () => {
      await page.goto(url('/network?tab=topology'));
      // a horizontal line has no height: attached, not "visible", is what a drawn link is
      await page.locator('[data-testid=network-topology] line').first().waitFor({ state: 'attached' });
      const lines = await page.locator('[data-testid=network-topology] line').count();
      expect(lines >= 16, `links drawn: ${lines}`);
      // the simulator reports the top-of-rack uplinks: the busiest links carry a figure
      await page.waitForFunction(
        () => /\d+(\.\d+)?\s?%/.test(document.querySelector('[data-testid=traffic-table]')?.textContent ?? ''),
        null,
        { timeout: 60_000 },
      );
      const { links } = await get('/network/traffic?limit=5');
      expect(links[0]?.utilisation_pct > 0, `busiest link: ${JSON.stringify(links[0])}`);
      await shot('estate-network-topology');
    });

    await step("a cable is laid from a switch's faceplate and shows on both ports", async () => {
      const [tor] = await get('/network/devices?q=nyc1-a01-tor');
      const [peer] = await get('/network/devices?q=nyc1-a02-tor');
      await page.goto(url(`/network/${tor.id}`));
      await page.locator('[data-testid=faceplate] button').first().waitFor();
      // the uplinks carry the rack's traffic, live from the simulator
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid=ports-table] tr')].some(
          (tr) =>
            tr.textContent.includes('Ethernet1/49') &&
            /bit\/s|b\/s/.test(tr.querySelector('[data-testid=port-in]')?.textContent ?? ''),
        ),
      );
      const form = page.locator('[data-testid=add-cable]');
      const local = await form
        .locator('select')
        .nth(0)
        .locator('option', { hasText: 'Ethernet1/48' })
        .getAttribute('value');
      await form.locator('select').nth(0).selectOption(local);
      await form.locator('select').nth(1).selectOption(String(peer.id));
      const remoteSelect = form.locator('select').nth(2);
      await remoteSelect.locator('option', { hasText: 'Ethernet1/48' }).waitFor({ state: 'attached' });
      const remote = await remoteSelect.locator('option', { hasText: 'Ethernet1/48' }).getAttribute('value');
      await remoteSelect.selectOption(remote);
      await form.locator('button.btn-primary').click();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid=ports-table] tr')].some(
          (tr) => tr.textContent.includes('Ethernet1/48') && tr.textContent.includes('nyc1-a02-tor'),
        ),
      );
      const ports = await get(`/network/ports?device_id=${peer.id}&q=Ethernet1/48`);
      expect(ports[0]?.peer === 'nyc1-a01-tor:Ethernet1/48', `far end sees the cable: ${JSON.stringify(ports[0])}`);
      await page.locator('[data-testid=faceplate]').scrollIntoViewIfNeeded();
      await shot('estate-network-device', false);
    });

    await step(
      'what if feed NYC1-A-A fails: the answer on the page is the API’s, with the overload and the floor',
      async () => {
        await page.click('a[href="/power"]');
        await page.waitForURL((u) => u.pathname === '/power');
        await page.locator('[data-testid=power-tree]').waitFor();
        await shot('estate-power-chain', false);
        const [feed] = (await get('/power/feeds?q=NYC1-A-A')).filter((f) => f.name === 'NYC1-A-A');
        const api = await get(`/power/impact?feed_id=${feed.id}`);
        const row = page.locator('[data-testid=power-tree] li', { hasText: 'NYC1-A-A' }).first();
        await row.locator('button', { hasText: 'What if this feed fails?' }).click();
        const impact = page.locator('[data-testid=impact]');
        await impact.waitFor();
        const count = async (k) => Number(await impact.locator(`[data-testid=impact-count-${k}] .n`).textContent());
        expect((await count('lost')) === api.lost.length, `lost: page ${await count('lost')}, API ${api.lost.length}`);
        expect(
          (await count('degraded')) === api.degraded.length,
          `degraded: page ${await count('degraded')}, API ${api.degraded.length}`,
        );
        expect(api.lost.length > 0, 'the edge racks’ single-corded servers go dark');
        const over = await impact.locator('[data-testid=impact-overload]').textContent();
        expect(/NYC1-A-B/.test(over), `the B feed overloads: ${over}`);
        // the worst-hit rack is drawn with the lost devices outlined in red
        await impact.locator('[data-testid=impact-elevation] [data-testid=rack-elevation]').waitFor();
        const lostMarks = await impact.locator('[data-testid=impact-elevation] [data-mark=lost]').count();
        expect(lostMarks > 0, `lost devices outlined: ${lostMarks}`);
        const tile = impact.locator('[data-testid=impact-floor] .tile.lost');
        expect((await tile.count()) > 0, 'a rack tile marked lost on the floor');
        await impact.scrollIntoViewIfNeeded();
        await shot('estate-power-impact', false);
        // another rack chosen on the floor: its elevation follows, outlined by its own devices' states
        await impact.locator('[data-testid=impact-floor] .tile.degraded').first().click();
        await page.waitForFunction(
          () => document.querySelectorAll('[data-testid=impact-elevation] [data-mark=degraded]').length > 0,
        );
      },
    );

    await step('half-depth devices share a U from the front and the rear, each face drawn on its own', async () => {
      const [rack] = await get('/racks?q=NYC1-C03');
      const el = await get(`/racks/${rack.id}/elevation`);
      const u = el.free_ranges[0].from;
      const post = async (body) => {
        const r = await page.request.post(url('/api/network/devices'), {
          headers: { authorization: `Bearer ${token}` },
          data: { rack_id: rack.id, u_position: u, u_size: 1, is_full_depth: false, ...body },
        });
        expect(r.status() === 201, `POST network device: ${r.status()} ${await r.text()}`);
        return r.json();
      };
      const sw = await post({ name: 'E2E-HALF-SW', device_type: 'access_switch', face: 'front', power_w: 90 });
      const pp = await post({ name: 'E2E-REAR-PP', device_type: 'patch_panel', face: 'rear' });
      await page.goto(url(`/racks/${rack.id}`));
      const drawn = (name) => page.locator(`[data-testid=rack-elevation] [data-name="${name}"]`);
      await drawn(sw.name).waitFor();
      expect((await drawn(pp.name).count()) === 0, 'the rear panel is not drawn on the front');
      await page.click('[data-testid=elev-face-rear]');
      await drawn(pp.name).waitFor();
      expect((await drawn(sw.name).count()) === 0, 'the front half-depth switch is not drawn on the rear');
      const face = await page.locator('[data-testid=elevation-face]').first().textContent();
      expect(face?.trim() === 'rear', `face label: ${face}`);
      await drawn(pp.name).scrollIntoViewIfNeeded();
      await shot('estate-rack-rear', false);
    });
  },
);
