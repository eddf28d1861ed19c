// Browser test: the simulator's own injected fault, scored by the anomaly detectors. `npm start` as users run it
// (demo estate, its simulator off: SIMULATE=0), then the simulator as `npm run simulate` runs it, with two of its
// options: --rate 1s, so that the rack objects' detectors read their 150 warm-up samples per series in 2.5 minutes
// of live telemetry instead of 25, and --inject fan_failure@WARM, its fan failure (the model's: fans stop, the
// outlet heats) once they have. An anomaly rule on fan speed fires on the detector's score; the Alerts page shows
// it with the detector's explanation (the range it expected, the value it saw), as does the anomaly feed.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ROOT, SHOTS, adminApiToken, browserSuite, expect, log } from './lib/harness.mjs';

/** the detectors' warm-up (DEFAULT_OPTIONS.warmup in worker/ai/anomaly-detector.ts) */
const WARMUP_SAMPLES = 150;
const RATE_S = 1;
/** the fault, once every series has had this many live samples (a margin over the warm-up) */
const WARM_S = 170;
if (WARM_S / RATE_S <= WARMUP_SAMPLES) throw new Error('the fault must come after the warm-up');
/** fan alerts allowed outside the faulty server's rack, as a share of the fans: ordinary fans on a baseline of
 *  minutes should not alarm (a history younger than an hour has new ground judged from its slow average and
 *  against its noise; before, about one alert per fan), but the rare wander past that, or a GPU job that starts
 *  or ends and moves its fans for real, may */
const FALSE_SHARE = 0.02;

await browserSuite(
  'anomaly-injected',
  { port: 8893, env: { SEED: '1', SIMULATE: '0' } },
  async ({ page, origin, step, shot }) => {
    const url = (p) => `${origin}${p}`;
    let admin;
    let rule;
    let sim;
    const lines = [];
    const api = async (path) => {
      const res = await page.request.get(url(`/api${path}`), { headers: { authorization: `Bearer ${admin}` } });
      if (!res.ok()) throw new Error(`GET ${path}: ${res.status()} ${await res.text()}`);
      return res.json();
    };
    const line = (re, ms) =>
      new Promise((resolve, reject) => {
        const found = lines.find((l) => re.test(l));
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`simulator: no line ${re} in ${ms} ms`)), ms);
        sim.lines.on('line', function check(l) {
          if (!re.test(l)) return;
          clearTimeout(timer);
          sim.lines.off('line', check);
          resolve(l);
        });
      });

    try {
      await step('sign in, an anomaly rule on fan speed, and the Alerts page open', async () => {
        await page.goto(url('/login'));
        await page.fill('#username', 'admin');
        await page.fill('#password', 'admin123');
        await page.click('button[type=submit]');
        await page.waitForURL((u) => u.pathname === '/');
        admin = await adminApiToken(page, origin);
        const res = await page.request.post(url('/api/alert-rules'), {
          headers: { authorization: `Bearer ${admin}` },
          data: {
            name: 'Fan speed unusual',
            kind: 'anomaly',
            metric: 'fan_rpm',
            threshold: 0.5,
            severity: 'warning',
            message: '{{device}} {{metric}} unusual (score {{value}})',
          },
        });
        expect(res.status() === 201, `anomaly rule: ${res.status()} ${await res.text()}`);
        rule = await res.json();
        await page.goto(url('/alerts'));
        await page.locator('[data-testid=alerts-feed][data-state=live]').waitFor();
      });

      await step(`the simulator sends live telemetry every ${RATE_S} s and injects its fan failure`, async () => {
        const child = spawn(
          process.execPath,
          [
            'scripts/simulate.mjs',
            '--base',
            origin,
            '--rate',
            `${RATE_S}s`,
            '--anomaly-every',
            'off',
            '--inject',
            `fan_failure@${WARM_S}s`,
          ],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
        );
        sim = { child, lines: createInterface({ input: child.stdout }) };
        sim.lines.on('line', (l) => {
          lines.push(l);
          if (/status:|⚠|✗|live:|estate:/.test(l)) log(`[sim] ${l}`);
        });
        createInterface({ input: child.stderr }).on('line', (l) => log(`[sim] ${l}`));
        await line(/^\S+ live: /, 180_000);
        const injected = await line(/injecting fan failure on /, (WARM_S + 90) * 1000);
        // the tick that starts the fault is sent right after the simulator says so
        sim.injectedAt = Date.now() - 1_500;
        // ordinary fans on a baseline of minutes: no alert (the whole run is checked in the last step)
        const before = await api(`/alerts?rule_id=${rule.id}`);
        log(`fan anomalies before the fault: ${before.length} (${before.map((a) => a.message).join('; ')})`);
        const fans = Number(/(\d+) simulated/.exec(lines.find((l) => / estate: /.test(l)) ?? '')?.[1]);
        expect(fans > 0, 'the simulator names the servers it simulates');
        sim.falseMax = Math.ceil(FALSE_SHARE * fans);
        expect(
          before.length <= sim.falseMax,
          `at most ${sim.falseMax} fan anomalies before the fault: ${before.length}`,
        );
        sim.server = /injecting fan failure on (\S+) in rack/.exec(injected)?.[1];
        expect(sim.server, injected);
      });

      await step('the detector scores the failing fan: an anomaly alert that says why, without a reload', async () => {
        const navigations = [];
        page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
        let alert;
        const deadline = Date.now() + 90_000;
        while (!alert && Date.now() < deadline) {
          const all = await api(`/alerts?rule_id=${rule.id}`);
          // its alert from the fault on
          alert = all.find((a) => a.message.startsWith(`${sim.server} `) && a.details?.ts >= sim.injectedAt);
          if (!alert) await page.waitForTimeout(1_000);
        }
        expect(alert, `an anomaly alert on ${sim.server} within 90 s of the fault`);
        sim.alert = alert;
        const d = alert.details ?? {};
        log(`anomaly alert: ${alert.message}; details ${JSON.stringify(d)}`);
        expect(
          // new ground below everything seen: the first samples of the stopping fan (it slows over seconds, so the
          // first one scored may still lie inside the detector's band with its margins)
          d.score >= 0.5 && d.fired?.includes('new_ground') && d.observed < (d.lower + d.upper) / 2,
          `scored as new ground, the fan below what was expected: ${JSON.stringify(alert)}`,
        );
        const row = page
          .locator('[data-testid=alerts-table] tbody tr')
          .filter({ hasText: `${sim.server} fan_rpm unusual (score ${sim.alert.message.match(/score ([\d.]+)/)[1]})` })
          .filter({ has: page.locator('[data-testid=anomaly-why]') });
        await row.first().waitFor({ timeout: 20_000 });
        const why = await row.first().locator('[data-testid=anomaly-why]').innerText();
        log(`why: ${why}`);
        expect(/expected .+ – .+, saw /.test(why), `the explanation: ${why}`);
        expect(navigations.length === 0, `no reload: ${navigations.join(', ')}`);
        await shot('anomaly-injected-alert');
        await row.first().screenshot({ path: join(SHOTS, 'anomaly-injected-alert-row.png') });
      });

      await step('the anomaly feed shows it with its series around the fault', async () => {
        await page.click('.sidebar a[href="/ai/anomalies"]');
        await page.waitForURL((u) => u.pathname === '/ai/anomalies');
        const item = page
          .locator('[data-testid=anomaly-item]')
          .filter({ has: page.locator(`a[href="/alerts/${sim.alert.id}"]`) })
          .first();
        await item.waitFor({ timeout: 20_000 });
        await item.locator('[data-testid=anomaly-why]').waitFor();
        await item.scrollIntoViewIfNeeded();
        await item.screenshot({ path: join(SHOTS, 'anomaly-injected-feed.png') });
        // what else the rule raised, over a minute and a half of every fan past its warm-up (the fault came 20 s
        // after it) at least. The fault heats its rack's inlet, so the neighbours' fans speed up for real; anywhere
        // else nothing happened
        await page.waitForTimeout(Math.max(0, sim.injectedAt + 70_000 - Date.now()));
        const others = (await api(`/alerts?rule_id=${rule.id}`)).filter((a) => a.id !== sim.alert.id);
        const elsewhere = others.filter((a) => a.rack_id !== sim.alert.rack_id);
        log(`other fan anomalies: ${others.length}, outside the faulty rack: ${elsewhere.length}`);
        for (const a of others.slice(0, 5)) log(`  ${a.message}: ${JSON.stringify(a.details)}`);
        expect(
          elsewhere.length <= sim.falseMax,
          `at most ${sim.falseMax} fan anomalies outside the faulty rack: ${elsewhere.map((a) => a.message).join('; ')}`,
        );
      });
    } finally {
      if (sim?.child.exitCode === null) process.kill(-sim.child.pid, 'SIGTERM');
    }
  },
);
