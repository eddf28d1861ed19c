import {
  IngestDecodeError,
  LABEL_NAME,
  METRIC_NAME,
  splitDeviceLabels,
  type DeviceRef,
  type ParsedSample,
} from '../samples';

// OTLP/HTTP JSON (ExportMetricsServiceRequest), as the OpenTelemetry Collector's otlphttp exporter sends it with
// `encoding: json`. Gauges and sums carry one value per data point; histogram-like metrics have no single value,
// so they are counted as skipped rather than rejected: one collector pipeline usually mixes all kinds. Scope
// attributes name the instrumentation library, not a dimension of the measurement, and are left out.

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Resource attributes that name the device, in priority order (the first present wins per DeviceRef field). */
const RESOURCE_DEVICE: [string, keyof DeviceRef][] = [
  ['dcp.server', 'server'],
  ['server', 'server'],
  ['host.id', 'server'],
  ['dcp.serial', 'serial'],
  ['serial', 'serial'],
  ['host.name', 'instance'],
  ['dcp.rack', 'rack'],
  ['rack', 'rack'],
  ['dcp.datacenter', 'datacenter'],
  ['datacenter', 'datacenter'],
];
const SKIPPED_KINDS = ['histogram', 'exponentialHistogram', 'summary'] as const;
/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks a gap, it has no value. */
const NO_RECORDED_VALUE = 1;

const fail = (message: string, where: string): never => {
  throw new IngestDecodeError(message, where);
};

function arrayAt(parent: Obj, key: string, where: string): unknown[] {
  const value = parent[key];
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : fail(`${key} must be an array`, where ? `${where}.${key}` : key);
}

/** OTel names use dots (`http.server.duration`); Prometheus names use underscores. */
function labelName(key: string, where: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (LABEL_NAME.test(name) && name !== '__name__') return name;
  return fail(`attribute "${key}" cannot be made a Prometheus label name`, where);
}

interface Attribute {
  key: string;
  value: string;
  where: string;
}

/** Scalar attribute values as text; arrays, key-value lists and bytes have no label form and are left out. */
function attributes(parent: Obj, where: string): Attribute[] {
  const out: Attribute[] = [];
  arrayAt(parent, 'attributes', where).forEach((kv, i) => {
    const at = `${where}.attributes[${i}]`;
    if (!isObj(kv) || typeof kv.key !== 'string') return fail('an attribute must be {key, value}', at);
    const v = kv.value;
    if (!isObj(v)) return;
    let text: string | undefined;
    if (typeof v.stringValue === 'string') text = v.stringValue;
    else if (typeof v.intValue === 'string' || typeof v.intValue === 'number') text = String(v.intValue);
    else if (typeof v.doubleValue === 'number') text = String(v.doubleValue);
    else if (typeof v.boolValue === 'boolean') text = String(v.boolValue);
    // an empty value is the same as no label
    if (text) out.push({ key: kv.key, value: text, where: at });
  });
  return out;
}

const toLabels = (attrs: Attribute[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const a of attrs) out[labelName(a.key, a.where)] = a.value;
  return out;
};

function resourceOf(rm: Obj, where: string): { device: DeviceRef; labels: Record<string, string> } {
  const attrs = attributes(isObj(rm.resource) ? rm.resource : {}, `${where}.resource`);
  const named: DeviceRef = {};
  const used = new Set<Attribute>();
  for (const [attr, field] of RESOURCE_DEVICE) {
    const found = attrs.find((a) => a.key === attr);
    if (found && named[field] === undefined) {
      named[field] = found.value;
      used.add(found);
    }
  }
  const { device, labels } = splitDeviceLabels(toLabels(attrs.filter((a) => !used.has(a))));
  return { device: { ...device, ...named }, labels };
}

/** timeUnixNano is a uint64 in a string; 0 or absent means "not set". */
function timeMs(raw: unknown, where: string, now: number): number {
  if (raw === undefined || raw === null || raw === '0' || raw === 0) return now;
  if (typeof raw === 'string' && /^\d{1,20}$/.test(raw)) return Number(BigInt(raw) / 1_000_000n);
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return Math.floor(raw / 1e6);
  return fail('timeUnixNano must be nanoseconds since 1970 as a string of digits', `${where}.timeUnixNano`);
}

/** asDouble is a JSON number, or "NaN"/"Infinity"/"-Infinity" (proto3 JSON); asInt is an int64, usually a string. */
function pointValue(p: Obj, where: string): number {
  const d = p.asDouble;
  if (typeof d === 'number') return d;
  if (typeof d === 'string' && d.trim() !== '' && !Number.isNaN(Number(d))) return Number(d);
  if (d === 'NaN') return NaN;
  const n = p.asInt;
  if (typeof n === 'string' && /^-?\d{1,20}$/.test(n)) return Number(n);
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  if (d !== undefined) return fail('asDouble must be a number', `${where}.asDouble`);
  if (n !== undefined) return fail('asInt must be an integer (a string of digits)', `${where}.asInt`);
  return fail('the data point has neither asDouble nor asInt', where);
}

export function parseOtlpJson(body: unknown, opts: { now: number }): { samples: ParsedSample[]; skipped: number } {
  if (!isObj(body)) fail('the body must be an ExportMetricsServiceRequest object', 'body');
  const samples: ParsedSample[] = [];
  let skipped = 0;
  const request = body as Obj;

  arrayAt(request, 'resourceMetrics', '').forEach((rm, r) => {
    const rmWhere = `resourceMetrics[${r}]`;
    if (!isObj(rm)) return fail('must be an object', rmWhere);
    const resource = resourceOf(rm, rmWhere);
    arrayAt(rm, 'scopeMetrics', rmWhere).forEach((sm, s) => {
      const smWhere = `${rmWhere}.scopeMetrics[${s}]`;
      if (!isObj(sm)) return fail('must be an object', smWhere);
      arrayAt(sm, 'metrics', smWhere).forEach((m, k) => {
        const mWhere = `${smWhere}.metrics[${k}]`;
        if (!isObj(m)) return fail('must be an object', mWhere);
        if (typeof m.name !== 'string' || !m.name) return fail('a metric needs a name', `${mWhere}.name`);
        const metric = m.name.replace(/[^a-zA-Z0-9_:]/g, '_');
        if (!METRIC_NAME.test(metric)) fail(`"${m.name}" cannot be made a Prometheus metric name`, `${mWhere}.name`);

        for (const kind of SKIPPED_KINDS) {
          if (isObj(m[kind])) skipped += arrayAt(m[kind], 'dataPoints', `${mWhere}.${kind}`).length;
        }
        for (const kind of ['gauge', 'sum'] as const) {
          const data = m[kind];
          if (!isObj(data)) continue;
          arrayAt(data, 'dataPoints', `${mWhere}.${kind}`).forEach((p, d) => {
            const pWhere = `${mWhere}.${kind}.dataPoints[${d}]`;
            if (!isObj(p)) return fail('must be an object', pWhere);
            const flags = typeof p.flags === 'number' ? p.flags : 0;
            // a gap marker, not a measurement; a NaN/Inf value goes on, to be refused per sample
            if (flags & NO_RECORDED_VALUE) {
              skipped++;
              return;
            }
            const value = pointValue(p, pWhere);
            const ts = timeMs(p.timeUnixNano, pWhere, opts.now);
            const point = toLabels(attributes(p, pWhere));
            // the data point is more specific than its resource (a collector polling many PDUs labels each point)
            const own = splitDeviceLabels(point);
            samples.push({
              device: { ...resource.device, ...own.device },
              metric,
              value,
              ts,
              labels: { ...resource.labels, ...own.labels },
            });
          });
        }
      });
    });
  });
  return { samples, skipped };
}
