import type { Env } from '../env';
import type { IngestSample, RackMeta } from '../../durable-objects/rack-telemetry';
import { IngestDecodeError, type DeviceRef, type ParsedSample } from './samples';
import { resolveDevices, type Target } from './resolve';
import { telemetryConfig } from './config';
import { acceptWindow, screenSamples, type Refusals } from './sample-window';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { datacenterLive } from '../../durable-objects/datacenter-client';

export type IngestFormat = 'json' | 'prom_remote_write' | 'otlp' | 'influx' | 'prom_push';

export interface UnmatchedDevice {
  device: string;
  example_metric: string;
  samples: number;
}

export interface IngestOutcome {
  accepted: number;
  /** samples refused by a rack that already holds its maximum number of series */
  rejected: number;
  /** samples whose device matched nothing (visible to the sender): counted and listed, not stored */
  unmatched: number;
  unmatched_devices: UnmatchedDevice[];
  /** kinds we do not store (histograms, strings, exemplars) and "no value" markers, as the decoder reported */
  skipped: number;
  /** samples refused one by one (outside the accepted time window, or not a finite value); the rest is stored */
  refused: number;
  refused_reasons: Refusals;
  racks: number;
}

export const describeDevice = (d: DeviceRef) =>
  Object.entries(d)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',') || '(no device labels)';

/**
 * Check a decoded request's size, set aside the samples outside the accepted window (counted per reason), resolve
 * the devices of the rest, and hand each rack its samples. Nothing is written until every check has passed, so a
 * refused request changes nothing. `strict` (our JSON format)
 * turns an unknown device into an error; the agent formats count and report unmatched series instead, because
 * one unknown host must not make Prometheus drop a whole batch.
 */
export async function ingest(
  env: Env,
  clearance: string | null,
  format: IngestFormat,
  decoded: { samples: ParsedSample[]; skipped: number },
  opts: { strict?: boolean; where?: (i: number) => string; noop?: boolean } = {},
  now = Date.now(),
): Promise<IngestOutcome> {
  const cfg = telemetryConfig(env);
  const { samples } = decoded;
  const where = opts.where ?? ((i: number) => `sample ${i + 1} (${samples[i].metric})`);
  if (samples.length > cfg.maxSamplesPerRequest) {
    throw new IngestDecodeError(
      `${samples.length} samples in one request; at most ${cfg.maxSamplesPerRequest} are accepted (send smaller batches).`,
      'body',
      413,
    );
  }
  const { kept, refused, refusedTotal } = screenSamples(samples, acceptWindow(cfg, now));

  // resolve each distinct device once
  const keys = new Map<string, number>();
  const refs: DeviceRef[] = [];
  const refIndex = kept.map((i) => {
    const k = describeDevice(samples[i].device);
    let idx = keys.get(k);
    if (idx === undefined) {
      idx = refs.length;
      keys.set(k, idx);
      refs.push(samples[i].device);
    }
    return idx;
  });
  const targets = await resolveDevices(env.DB, refs, clearance, now);

  const byRack = new Map<number, { meta: RackMeta; samples: IngestSample[] }>();
  const byDc = new Map<number, { metric: string; ts: number; value: number }[]>();
  const unmatched = new Map<string, UnmatchedDevice>();
  for (let k = 0; k < kept.length; k++) {
    const i = kept[k];
    const s = samples[i];
    const target: Target | null = targets[refIndex[k]];
    if (!target) {
      const device = describeDevice(s.device);
      if (opts.strict) {
        throw new IngestDecodeError(`no device matches ${device} (or it is outside your clearance)`, where(i), 400);
      }
      const u = unmatched.get(device) ?? { device, example_metric: s.metric, samples: 0 };
      u.samples++;
      unmatched.set(device, u);
      continue;
    }
    if (target.kind === 'datacenter') {
      if (s.metric !== 'facility_power_kw' && opts.strict) {
        throw new IngestDecodeError(`datacenter samples carry facility_power_kw only, not ${s.metric}`, where(i));
      }
      const list = byDc.get(target.datacenter_id) ?? [];
      list.push({ metric: s.metric, ts: s.ts, value: s.value });
      byDc.set(target.datacenter_id, list);
      continue;
    }
    let group = byRack.get(target.rack.rack_id);
    if (!group) byRack.set(target.rack.rack_id, (group = { meta: target.rack, samples: [] }));
    group.samples.push({
      server_id: target.kind === 'server' ? target.server_id : null,
      metric: s.metric,
      labels: target.kind === 'rack' && target.device ? deviceLabels(s.labels, target.device) : s.labels,
      ts: s.ts,
      value: s.value,
    });
  }

  const results = await Promise.all([
    ...[...byRack.values()].map(async (g) => {
      const stub = rackTelemetry(env, g.meta.rack_id);
      // benchmarks' ceiling: the same request reaching the same object, which then stores nothing
      if (opts.noop) return { accepted: await stub.noop(g.samples), rejected: 0, samples_total: 0 };
      return stub.ingest(g.meta, g.samples, format);
    }),
  ]);
  const facility = await Promise.all([...byDc].map(([dc, list]) => datacenterLive(env, dc).ingestFacility(dc, list)));
  const unmatchedList = [...unmatched.values()];
  if (unmatchedList.length) await recordUnmatched(env.DB, format, unmatchedList, now);
  return {
    accepted: results.reduce((n, r) => n + r.accepted, 0) + facility.reduce((n, a) => n + a, 0),
    rejected: results.reduce((n, r) => n + r.rejected, 0),
    unmatched: unmatchedList.reduce((n, u) => n + u.samples, 0),
    unmatched_devices: unmatchedList.slice(0, 20),
    skipped: decoded.skipped,
    refused: refusedTotal,
    refused_reasons: refused,
    racks: byRack.size,
  };
}

/**
 * A storage array's or a switch's sample is kept on its rack under the device's inventory name; a `device` label the
 * sender used for something else (a LUN, a disk) is kept as `device_part`.
 */
function deviceLabels(labels: Record<string, string>, device: { kind: string; name: string }): Record<string, string> {
  const { device: own, ...rest } = labels;
  return {
    ...rest,
    ...(own !== undefined && own !== device.name ? { device_part: own } : {}),
    device: device.name,
    device_kind: device.kind,
  };
}

/** One upsert for all unmatched devices of a request (GET /api/metrics/unmatched lists them). */
async function recordUnmatched(db: D1Database, format: IngestFormat, list: UnmatchedDevice[], now: number) {
  const at = new Date(now).toISOString();
  await db
    .prepare(
      `INSERT INTO ingest_unmatched (format, device, example_metric, samples, first_seen, last_seen)
         SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, ?2, ?2 FROM json_each(?3) AS j WHERE true
       ON CONFLICT (format, device) DO UPDATE SET samples = samples + excluded.samples,
         example_metric = excluded.example_metric, last_seen = excluded.last_seen`,
    )
    .bind(format, at, JSON.stringify(list.slice(0, 500).map((u) => [u.device, u.example_metric, u.samples])))
    .run();
}
