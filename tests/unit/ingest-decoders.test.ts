/// <reference types="vite/client" />
// The five telemetry ingest decoders: real exporter output, the formats' escape rules, and precise error locations.
import { describe, expect, it } from 'vitest';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { compress, uncompress } from 'snappyjs';
import nodeExporter from '../../../shared/data/fixtures/node_exporter_e2e_output.txt?raw';
import histogramProm from '../../../shared/data/fixtures/textfile_histogram.prom?raw';
import summaryProm from '../../../shared/data/fixtures/textfile_summary.prom?raw';
import mixedProm from '../../../shared/data/fixtures/textfile_different_metric_types.prom?raw';
import otlpFixture from '../../../shared/data/fixtures/otlp_metrics_example.json?raw';
import { IngestDecodeError } from '../../worker/telemetry/samples';
import { decodeJsonBatch, IngestValidationError } from '../../worker/telemetry/ingest/json-batch';
import { parsePromText } from '../../worker/telemetry/ingest/prom-text';
import { parseInfluxLines } from '../../worker/telemetry/ingest/influx-line';
import { parseOtlpJson } from '../../worker/telemetry/ingest/otlp-json';
import {
  checkRemoteWriteHeaders,
  decodeRemoteWrite,
  encodeRemoteWrite,
} from '../../worker/telemetry/ingest/prom-remote-write';

const now = 1_700_000_000_000;

/** The IngestDecodeError `fn` throws (fails the test if it throws nothing or something else). */
function decodeError(fn: () => unknown): IngestDecodeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IngestDecodeError);
    return e as IngestDecodeError;
  }
  throw new Error('expected an IngestDecodeError');
}

describe('decodeJsonBatch', () => {
  it('names devices by id or name and converts ISO timestamps', () => {
    const { samples, skipped } = decodeJsonBatch(
      [
        { server: 12, metric: 'cpu_pct', value: 42.5, ts: '2025-01-31T12:00:00Z' },
        { rack: 'R1', metric: 'power_kw', value: 3.2, labels: { phase: 'L1', feed: '' } },
        { datacenter: 'fra1', metric: 'facility_power_kw', value: 410, ts: 1_738_324_800_123 },
      ],
      { now },
    );
    expect(skipped).toBe(0);
    expect(samples).toEqual([
      // Date.UTC(2025, 0, 31, 12) = 1738324800000
      { device: { server: '12' }, metric: 'cpu_pct', value: 42.5, ts: 1_738_324_800_000, labels: {} },
      { device: { rack: 'R1' }, metric: 'power_kw', value: 3.2, ts: now, labels: { phase: 'L1' } },
      { device: { datacenter: 'fra1' }, metric: 'facility_power_kw', value: 410, ts: 1_738_324_800_123, labels: {} },
    ]);
  });

  it('points at the first bad field and lists every one', () => {
    const e = decodeError(() =>
      decodeJsonBatch(
        [
          { server: 'a', metric: 'ok', value: 1 },
          { server: 'b', metric: 'cpu_pct', value: 'high' },
          { metric: 'bad-name', value: 1, timestamp: 5 },
        ],
        { now },
      ),
    ) as IngestValidationError;
    expect(e).toBeInstanceOf(IngestValidationError);
    expect(e.status).toBe(400);
    expect(e.where).toBe('[1].value');
    expect(e.errors).toEqual([
      { field: '[1].value', message: 'must be a number' },
      { field: '[2].metric', message: 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' },
      { field: '[2].timestamp', message: 'is not a known field' },
    ]);
    expect(e.message).toBe('must be a number (2 more invalid fields)');
  });

  it('requires a device, catches seconds passed as milliseconds and bad label names', () => {
    expect(decodeError(() => decodeJsonBatch([{ metric: 'cpu_pct', value: 1 }], { now })).where).toBe('[0].server');
    const secs = decodeError(() => decodeJsonBatch([{ server: 1, metric: 'm', value: 1, ts: 1_700_000_000 }], { now }));
    expect([secs.where, secs.message]).toEqual(['[0].ts', 'must be Unix milliseconds (this looks like seconds)']);
    const label = decodeError(() =>
      decodeJsonBatch([{ server: 1, metric: 'm', value: 1, labels: { 'a-b': 'x' } }], { now }),
    );
    expect(label.where).toBe('[0].labels.a-b');
    expect(decodeError(() => decodeJsonBatch([], { now })).where).toBe('(body)');
    expect(decodeError(() => decodeJsonBatch({ server: 1 }, { now })).where).toBe('(body)');
  });
});

describe('parsePromText', () => {
  it('parses node_exporter output: 3,027 samples, empty label values dropped', () => {
    const { samples, skipped } = parsePromText(nodeExporter, { now });
    expect([samples.length, skipped]).toEqual([3027, 0]);
    expect(samples.find((s) => s.metric === 'node_load1')).toEqual({
      device: {},
      metric: 'node_load1',
      value: 0.21,
      ts: now,
      labels: {},
    });
    // line 781: node_btrfs_info{label="",uuid="7f07c59f-..."} 1
    const btrfs = samples.filter((s) => s.metric === 'node_btrfs_info');
    expect(btrfs[0].labels).toEqual({ uuid: '7f07c59f-6136-449c-ab87-e1cf2328731b' });
    expect(samples.every((s) => Object.values(s.labels).every((v) => v !== ''))).toBe(true);
    // line 1120: a disk serial is a device label by the contract; the resolver decides what it names
    const mmc = samples.find((s) => s.metric === 'node_disk_info' && s.labels.device === 'mmcblk0');
    expect(mmc?.device).toEqual({ serial: '0x83e36d93' });
    // label values with spaces and brackets
    expect(samples.find((s) => s.metric === 'node_bcachefs_device_info')?.labels.state).toBe(
      '[rw] ro evacuating spare',
    );
  });

  it('parses histograms and summaries sample by sample', () => {
    const h = parsePromText(histogramProm, { now }).samples;
    expect(h).toHaveLength(13); // 11 buckets + _sum + _count
    expect(h[10]).toMatchObject({ metric: 'prometheus_tsdb_compaction_chunk_range_bucket', value: 1_691_853 });
    expect(h[10].labels).toEqual({ le: '+Inf' });
    expect(h[11]).toMatchObject({ metric: 'prometheus_tsdb_compaction_chunk_range_sum', value: 671_393_432_189 });

    const s = parsePromText(summaryProm, { now }).samples;
    expect(s).toHaveLength(20); // 4 x (3 quantiles + _sum + _count)
    expect(s[2]).toMatchObject({ value: 4.35e-6, labels: { baz: 'inner_eval', quantile: '0.99' } });
    expect(s[4]).toMatchObject({ metric: 'event_duration_seconds_total_count', value: 1_492_355_615 });

    expect(parsePromText(mixedProm, { now }).samples).toHaveLength(22);
  });

  it('unescapes label values, reads timestamps, passes NaN and infinities on (refused per sample later)', () => {
    const text = [
      '# a free comment',
      'm{a="x\\\\y",b="q\\"z",c="l\\nm",} 1 1700000000123',
      '',
      'n{k="1"} NaN',
      'n{k="2"} +Inf',
      'n{k="3"} -Inf',
      'n{k="4"} -1.5e3',
    ].join('\r\n');
    const { samples, skipped } = parsePromText(text, { now });
    expect(skipped).toBe(0);
    expect(samples).toEqual([
      { device: {}, metric: 'm', value: 1, ts: 1_700_000_000_123, labels: { a: 'x\\y', b: 'q"z', c: 'l\nm' } },
      { device: {}, metric: 'n', value: NaN, ts: now, labels: { k: '1' } },
      { device: {}, metric: 'n', value: Infinity, ts: now, labels: { k: '2' } },
      { device: {}, metric: 'n', value: -Infinity, ts: now, labels: { k: '3' } },
      { device: {}, metric: 'n', value: -1500, ts: now, labels: { k: '4' } },
    ]);
    // a timestamp no Date can hold is syntax-valid: the accepted window refuses it, per sample
    expect(parsePromText('m 1 99999999999999999999', { now }).samples[0].ts).toBe(1e20);
  });

  it('lets push-URL labels pin the device and fill in other labels', () => {
    const text = 'power_w{server="wrong",psu="1"} 250\npower_w{server="other",psu="2",site="body"} 240';
    const { samples } = parsePromText(text, { now, extraLabels: { server: 'web-01', site: 'url' } });
    expect(samples.map((s) => [s.device, s.labels])).toEqual([
      [{ server: 'web-01' }, { psu: '1', site: 'url' }],
      [{ server: 'web-01' }, { psu: '2', site: 'body' }],
    ]);
    expect(decodeError(() => parsePromText('x 1', { now, extraLabels: { 'bad-name': 'v' } })).where).toBe(
      'query.bad-name',
    );
  });

  it('rejects a duplicate series, naming both lines', () => {
    // the summary fixture is 22 lines; its first sample (line 3) reappears at line 22 + 8
    const e = decodeError(() => parsePromText(summaryProm + mixedProm, { now }));
    expect([e.where, e.message]).toEqual(['line 30', 'duplicate series: the same metric and labels as line 3']);
    // an empty label equals an absent one, so these two are the same series
    expect(decodeError(() => parsePromText('a{x=""} 1\na 2', { now })).where).toBe('line 2');
  });

  it.each([
    ['ok 1\n9bad 1', 'line 2', '"9bad" is not a valid metric name'],
    ['m{a="1" 1', 'line 1', 'expected "," or "}" after label "a"'],
    ['m{a="1} 1', 'line 1', 'the value of label "a" is not terminated'],
    ['m{a-b="1"} 1', 'line 1', '"a-b" is not a valid label name'],
    ['m{a="1",a="2"} 1', 'line 1', 'label "a" appears twice'],
    ['m', 'line 1', 'sample "m" has no value'],
    ['m one', 'line 1', '"one" is not a number'],
    ['m 1 1.5', 'line 1', '"1.5" is not a timestamp in milliseconds'],
    ['m 1 2 3', 'line 1', 'unexpected text after the timestamp: "3"'],
    ['# TYPE m countr\nm 1', 'line 1', '# TYPE m must be one of counter, gauge, histogram, summary, untyped'],
  ])('rejects %j at %s', (text, where, message) => {
    const e = decodeError(() => parsePromText(text, { now }));
    expect([e.where, e.message, e.status]).toEqual([where, message, 400]);
  });
});

describe('parseInfluxLines', () => {
  it('decodes a Telegraf line: host names the device, one sample per numeric field', () => {
    const line =
      'cpu,host=web-01,cpu=cpu0 usage_user=12.5,usage_system=3i,up=true,note="hi, \\"x\\" y" 1700000000123456789';
    const { samples, skipped } = parseInfluxLines(line, { now });
    expect(skipped).toBe(1); // the string field
    const base = { device: { instance: 'web-01' }, ts: 1_700_000_000_123, labels: { cpu: 'cpu0' } };
    expect(samples).toEqual([
      { ...base, metric: 'cpu_usage_user', value: 12.5 },
      { ...base, metric: 'cpu_usage_system', value: 3 },
      { ...base, metric: 'cpu_up', value: 1 },
    ]);
  });

  it('converts every precision to milliseconds (flooring, via BigInt)', () => {
    const ts = (t: string, precision: 'ns' | 'us' | 'ms' | 's') =>
      parseInfluxLines(`m value=1 ${t}`, { now, precision }).samples[0].ts;
    expect(ts('1700000000123456789', 'ns')).toBe(1_700_000_000_123);
    expect(ts('1700000000123456', 'us')).toBe(1_700_000_000_123);
    expect(ts('1700000000123', 'ms')).toBe(1_700_000_000_123);
    expect(ts('1700000000', 's')).toBe(1_700_000_000_000);
    expect(ts('-1', 'ns')).toBe(-1);
    expect(parseInfluxLines('m value=1', { now }).samples[0].ts).toBe(now);
  });

  it('follows the escaping rules and maps field "value" to the bare measurement', () => {
    const { samples } = parseInfluxLines(
      'disk\\ io,path=/var/lib\\,x,dev\\=ice=sd\\ a,server=srv-1,host=h value=18446744073709551615u,free=-5i,ok=F',
      { now },
    );
    expect(samples.map((s) => [s.metric, s.value])).toEqual([
      // eslint-disable-next-line no-loss-of-precision -- the u64 maximum, read as the float it becomes
      ['disk_io', 18446744073709551615],
      ['disk_io_free', -5],
      ['disk_io_ok', 0],
    ]);
    // a server tag wins over Telegraf's host, which then stays a plain label
    expect(samples[0].device).toEqual({ server: 'srv-1' });
    expect(samples[0].labels).toEqual({ path: '/var/lib,x', dev_ice: 'sd a', host: 'h' });
  });

  it('skips blank lines and comments when counting lines', () => {
    const e = decodeError(() => parseInfluxLines('# c\n\nm value=1\nm value=abc', { now }));
    expect([e.where, e.message]).toEqual(['line 4', 'field "value" has an invalid value "abc"']);
  });

  it('passes +Inf values and timestamps beyond any Date on, for the accepted window to refuse per sample', () => {
    expect(parseInfluxLines('cpu value=1e999', { now }).samples[0].value).toBe(Infinity);
    // year ~287,000 in seconds: 9.06e15 ms is past the largest Date (8.64e15 ms), and still a number
    const far = parseInfluxLines('cpu value=1 9000000000000', { now, precision: 's' }).samples[0].ts;
    expect(far).toBe(9e15);
  });

  it.each([
    ['cpu', 'expected a space and fields after the measurement and tags'],
    ['cpu,host value=1', 'tag "host" has no value'],
    ['cpu,host= value=1', 'tag "host" has an empty value'],
    ['cpu value', 'field "value" has no value'],
    ['cpu s="open', 'the string value of field "s" is not terminated'],
    ['cpu value=1 12:00', '"12:00" is not a timestamp (an integer in ns)'],
    ['1cpu value=1', '"1cpu" (from measurement and field "value") is not a metric name'],
    [',t=1 value=1', 'the line has no measurement name'],
  ])('rejects %j', (text, message) => {
    const e = decodeError(() => parseInfluxLines(text, { now }));
    expect([e.where, e.message]).toEqual(['line 1', message]);
  });
});

describe('parseOtlpJson', () => {
  it('decodes the OTLP example: gauge and sum kept, the two histograms skipped', () => {
    const { samples, skipped } = parseOtlpJson(JSON.parse(otlpFixture), { now });
    expect(skipped).toBe(2);
    // timeUnixNano 1544712660300000000 -> 1544712660300 ms
    expect(samples).toEqual([
      {
        device: {},
        metric: 'my_counter',
        value: 5,
        ts: 1_544_712_660_300,
        labels: { service_name: 'my.service', my_counter_attr: 'some value' },
      },
      {
        device: {},
        metric: 'my_gauge',
        value: 10,
        ts: 1_544_712_660_300,
        labels: { service_name: 'my.service', my_gauge_attr: 'some value' },
      },
    ]);
  });

  const request = (resource: unknown[], points: unknown[]) => ({
    resourceMetrics: [
      {
        resource: { attributes: resource },
        scopeMetrics: [{ metrics: [{ name: 'hw.power', gauge: { dataPoints: points } }] }],
      },
    ],
  });
  const attr = (key: string, value: unknown) => ({ key, value });

  it('maps resource attributes to the device and reads int64 strings', () => {
    const body = request(
      [
        attr('host.name', { stringValue: 'web-01' }),
        attr('host.id', { stringValue: 'i-123' }),
        attr('dcp.rack', { stringValue: 'R1' }),
        attr('service.name', { stringValue: 'ipmi' }),
      ],
      [
        {
          asInt: '9007199254740993',
          timeUnixNano: '1700000000123999999',
          attributes: [attr('psu', { intValue: '2' })],
        },
        { asDouble: 'NaN', timeUnixNano: '1700000000123000000' },
        { asDouble: 1, flags: 1 },
        { asDouble: 7.5, attributes: [attr('rack', { stringValue: 'R2' }), attr('ok', { boolValue: true })] },
      ],
    );
    const { samples, skipped } = parseOtlpJson(body, { now });
    expect(skipped).toBe(1); // "no recorded value"; the NaN goes on, to be refused per sample
    expect(samples).toEqual([
      {
        device: { server: 'i-123', instance: 'web-01', rack: 'R1' },
        metric: 'hw_power',
        value: 9007199254740992, // nearest double to 2^53 + 1
        ts: 1_700_000_000_123,
        labels: { service_name: 'ipmi', psu: '2' },
      },
      {
        device: { server: 'i-123', instance: 'web-01', rack: 'R1' },
        metric: 'hw_power',
        value: NaN,
        ts: 1_700_000_000_123,
        labels: { service_name: 'ipmi' },
      },
      {
        device: { server: 'i-123', instance: 'web-01', rack: 'R2' },
        metric: 'hw_power',
        value: 7.5,
        ts: now,
        labels: { service_name: 'ipmi', ok: 'true' },
      },
    ]);
  });

  it('names the exact JSON path of a bad data point', () => {
    const body = JSON.parse(otlpFixture);
    body.resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints.push({ timeUnixNano: '1' });
    let e = decodeError(() => parseOtlpJson(body, { now }));
    expect([e.where, e.message]).toEqual([
      'resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[1]',
      'the data point has neither asDouble nor asInt',
    ]);
    e = decodeError(() => parseOtlpJson(request([], [{ asInt: 1.5 }]), { now }));
    expect(e.where).toBe('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt');
    e = decodeError(() => parseOtlpJson(request([], [{ asDouble: 1, timeUnixNano: '17e17' }]), { now }));
    expect(e.where).toBe('resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].timeUnixNano');
    e = decodeError(() => parseOtlpJson(request([attr('9x', { stringValue: 'v' })], []), { now }));
    expect(e.where).toBe('resourceMetrics[0].resource.attributes[0]');
    expect(decodeError(() => parseOtlpJson({ resourceMetrics: {} }, { now })).where).toBe('resourceMetrics');
    expect(decodeError(() => parseOtlpJson([], { now })).where).toBe('body');
    expect(parseOtlpJson({}, { now })).toEqual({ samples: [], skipped: 0 });
  });
});

describe('remote_write', () => {
  const max = 10 * 1024 * 1024;

  it('round-trips through encodeRemoteWrite, skipping NaN (staleness) and infinities', () => {
    const body = encodeRemoteWrite([
      {
        labels: { __name__: 'node_load1', instance: 'web-01:9100', job: 'node', empty: '' },
        samples: [
          { value: 0.21, ts: 1_700_000_000_123 },
          { value: NaN, ts: 1_700_000_015_123 },
        ],
      },
      {
        labels: { __name__: 'up', rack: 'R1' },
        samples: [
          { value: Infinity, ts: 1 },
          { value: 1, ts: 2 },
        ],
      },
    ]);
    expect(body).toBeInstanceOf(Uint8Array);
    const { samples, skipped } = decodeRemoteWrite(body, { maxDecodedBytes: max, now });
    expect(skipped).toBe(0);
    const node = { device: { instance: 'web-01:9100' }, metric: 'node_load1', labels: { job: 'node' } };
    expect(samples).toEqual([
      { ...node, value: 0.21, ts: 1_700_000_000_123 },
      { ...node, value: NaN, ts: 1_700_000_015_123 },
      { device: { rack: 'R1' }, metric: 'up', value: Infinity, ts: 1, labels: {} },
      { device: { rack: 'R1' }, metric: 'up', value: 1, ts: 2, labels: {} },
    ]);
  });

  it('skips staleness markers (that exact NaN) but passes other NaNs and any int64 timestamp on', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('__name__');
    w.tag(2, WireType.LengthDelimited).string('up').join();
    const sample = (bits: bigint, ts: bigint) =>
      w
        .tag(2, WireType.LengthDelimited)
        .fork()
        .tag(1, WireType.Bit64)
        .fixed64(bits)
        .tag(2, WireType.Varint)
        .int64(ts)
        .join();
    sample(0x7ff0000000000002n, 1_700_000_000_000n); // Prometheus' StaleNaN
    sample(0x7ff8000000000001n, 1_700_000_000_000n); // an ordinary NaN
    sample(0x3ff0000000000000n, 9_000_000_000_000_000_000n); // 1.0 in the year ~285 million
    w.join();
    const { samples, skipped } = decodeRemoteWrite(compress(w.finish()), { maxDecodedBytes: max, now });
    expect(skipped).toBe(1);
    expect(samples.map((s) => [s.value, s.ts])).toEqual([
      [NaN, 1_700_000_000_000],
      [1, 9e18],
    ]);
  });

  it('counts exemplars and native histograms as skipped and ignores unknown fields', () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork();
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string('__name__');
    w.tag(2, WireType.LengthDelimited).string('h').join();
    w.tag(3, WireType.LengthDelimited).fork().join(); // exemplar
    w.tag(4, WireType.LengthDelimited).fork().join(); // native histogram
    w.tag(9, WireType.Varint).uint32(7); // unknown field
    w.join();
    w.tag(3, WireType.LengthDelimited).fork().join(); // metadata
    const { samples, skipped } = decodeRemoteWrite(compress(w.finish()), { maxDecodedBytes: max, now });
    expect([samples, skipped]).toEqual([[], 2]);
  });

  it('refuses a forged 1 GiB snappy length with 413 before decompressing', () => {
    // varint 0x80 0x80 0x80 0x80 0x04 = 4 * 2^28 = 1073741824; snappyjs would say 400, so 413 proves our check ran
    const forged = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]);
    const e = decodeError(() => decodeRemoteWrite(forged, { maxDecodedBytes: max, now }));
    expect([e.status, e.where, e.message]).toEqual([
      413,
      'body',
      'the body decompresses to 1073741824 bytes; the limit is 10485760',
    ]);
  });

  it('rejects corrupt snappy and protobuf with 400, naming the series', () => {
    let e = decodeError(() => decodeRemoteWrite(new Uint8Array([0x05, 0xff, 0xff]), { maxDecodedBytes: max, now }));
    expect([e.status, e.where]).toEqual([400, 'body']);
    expect(decodeError(() => decodeRemoteWrite(new Uint8Array([]), { maxDecodedBytes: max, now })).where).toBe('body');
    // series 0 is fine; series 1 claims 16 bytes but has 1
    const good = encodeRemoteWrite([{ labels: { __name__: 'a' }, samples: [{ value: 1, ts: 1 }] }]);
    const raw = new Uint8Array([...uncompress(good), 0x0a, 0x10, 0x01]);
    e = decodeError(() => decodeRemoteWrite(compress(raw), { maxDecodedBytes: max, now }));
    expect([e.status, e.where]).toEqual([400, 'timeseries[1]']);
    expect(e.message).toMatch(/^the protobuf WriteRequest is malformed/);
  });

  it('requires __name__ and valid names per series', () => {
    const body = (labels: Record<string, string>) =>
      encodeRemoteWrite([
        { labels: { __name__: 'ok' }, samples: [{ value: 1, ts: 1 }] },
        { labels, samples: [{ value: 1, ts: 1 }] },
      ]);
    let e = decodeError(() => decodeRemoteWrite(body({ job: 'x' }), { maxDecodedBytes: max, now }));
    expect([e.where, e.message]).toEqual(['timeseries[1]', 'the series has no __name__ label']);
    e = decodeError(() => decodeRemoteWrite(body({ __name__: 'a.b' }), { maxDecodedBytes: max, now }));
    expect([e.where, e.message]).toEqual(['timeseries[1]', '"a.b" is not a valid metric name']);
  });

  it('accepts remote_write 1.0 headers only', () => {
    const ok = { contentType: 'application/x-protobuf', contentEncoding: 'snappy', version: '0.1.0' };
    expect(() => checkRemoteWriteHeaders(ok)).not.toThrow();
    expect(() =>
      checkRemoteWriteHeaders({
        ...ok,
        contentType: 'application/x-protobuf;proto=prometheus.WriteRequest',
        version: null,
      }),
    ).not.toThrow();
    const v2 = decodeError(() =>
      checkRemoteWriteHeaders({ ...ok, contentType: 'application/x-protobuf;proto=io.prometheus.write.v2.Request' }),
    );
    expect(v2.status).toBe(415);
    expect(v2.message).toMatch(/remote_write 2\.0 is not supported; only remote_write 1\.0 is supported/);
    expect(decodeError(() => checkRemoteWriteHeaders({ ...ok, version: '2.0.0' })).status).toBe(415);
    for (const bad of [
      { ...ok, contentType: 'application/json' },
      { ...ok, contentType: undefined },
      { ...ok, contentEncoding: 'gzip' },
      { ...ok, contentEncoding: null },
      { ...ok, version: '0.2.0' },
    ]) {
      expect(decodeError(() => checkRemoteWriteHeaders(bad)).status).toBe(415);
    }
  });
});
