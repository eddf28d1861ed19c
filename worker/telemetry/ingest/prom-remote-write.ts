import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { compress, uncompress } from 'snappyjs';
import { IngestDecodeError, LABEL_NAME, METRIC_NAME, splitDeviceLabels, type ParsedSample } from '../samples';

// Prometheus remote_write 1.0: a snappy block-compressed prometheus.WriteRequest. The four messages are decoded by
// hand from the wire format: generated code would pull in the whole protobuf runtime for ~60 lines of loops.
//   WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3;
//                  repeated Histogram histograms = 4; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }

export interface RemoteWriteSeries {
  labels: Record<string, string>;
  samples: { value: number; ts: number }[];
}

/** The varint at the start of a snappy block: the decoded size, read before anything is allocated. */
function snappyDecodedLength(body: Uint8Array): number {
  let length = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    length += (body[i] & 0x7f) * 2 ** (7 * i);
    if (!(body[i] & 0x80)) return length;
  }
  throw new IngestDecodeError('the body is not snappy-compressed data', 'body');
}

/** Positions a reader past a length prefix; returns where the embedded message ends. */
function messageEnd(reader: BinaryReader): number {
  const end = reader.uint32() + reader.pos;
  if (end > reader.len) throw new RangeError('premature EOF');
  return end;
}

function expectWire(actual: WireType, expected: WireType, field: string): void {
  if (actual !== expected) throw new RangeError(`${field} has wire type ${actual}, expected ${expected}`);
}

function readLabel(reader: BinaryReader): [string, string] {
  const end = messageEnd(reader);
  let name = '';
  let value = '';
  while (reader.pos < end) {
    const [no, wt] = reader.tag();
    if (no === 1 || no === 2) {
      expectWire(wt, WireType.LengthDelimited, 'Label field');
      if (no === 1) name = reader.string(true);
      else value = reader.string(true);
    } else reader.skip(wt, no);
  }
  if (reader.pos !== end) throw new RangeError('a Label overruns its length');
  return [name, value];
}

/** Prometheus' staleness marker: a NaN with this exact bit pattern, meaning "the series ended", not a value. */
const STALE_NAN_BITS = 0x7ff0000000000002n;

/** `bytes`: what `reader` reads, to see a value's bit pattern before it becomes a (canonical) NaN. */
function readSample(reader: BinaryReader, bytes: Uint8Array): { value: number; ts: number; stale: boolean } {
  const end = messageEnd(reader);
  let value = 0;
  let ts = 0;
  let stale = false;
  while (reader.pos < end) {
    const [no, wt] = reader.tag();
    if (no === 1) {
      expectWire(wt, WireType.Bit64, 'Sample.value');
      if (reader.pos + 8 <= reader.len) {
        const bits = new DataView(bytes.buffer, bytes.byteOffset + reader.pos, 8).getBigUint64(0, true);
        stale = bits === STALE_NAN_BITS;
      }
      value = reader.double();
    } else if (no === 2) {
      expectWire(wt, WireType.Varint, 'Sample.timestamp');
      ts = Number(reader.int64());
    } else reader.skip(wt, no);
  }
  if (reader.pos !== end) throw new RangeError('a Sample overruns its length');
  return { value, ts, stale };
}

export function decodeRemoteWrite(
  body: Uint8Array,
  // `now` is unused: remote_write always carries timestamps; it is accepted so every decoder takes the same options
  opts: { maxDecodedBytes: number; now?: number },
): { samples: ParsedSample[]; skipped: number } {
  const size = snappyDecodedLength(body);
  if (size > opts.maxDecodedBytes) {
    throw new IngestDecodeError(
      `the body decompresses to ${size} bytes; the limit is ${opts.maxDecodedBytes}`,
      'body',
      413,
    );
  }
  let raw: Uint8Array;
  try {
    raw = uncompress(body, opts.maxDecodedBytes);
  } catch {
    throw new IngestDecodeError('the body is not valid snappy block-compressed data', 'body');
  }

  const samples: ParsedSample[] = [];
  let skipped = 0;
  const reader = new BinaryReader(raw);
  let index = 0;
  let where = 'body';
  try {
    while (reader.pos < reader.len) {
      where = 'body';
      const [no, wt] = reader.tag();
      if (no !== 1) {
        reader.skip(wt, no);
        continue;
      }
      where = `timeseries[${index++}]`;
      expectWire(wt, WireType.LengthDelimited, 'WriteRequest.timeseries');
      const end = messageEnd(reader);
      const all: Record<string, string> = {};
      const points: { value: number; ts: number; stale: boolean }[] = [];
      while (reader.pos < end) {
        const [f, w] = reader.tag();
        if (f === 1) {
          expectWire(w, WireType.LengthDelimited, 'TimeSeries.labels');
          const [name, value] = readLabel(reader);
          if (!LABEL_NAME.test(name)) throw new IngestDecodeError(`"${name}" is not a valid label name`, where);
          if (name in all) throw new IngestDecodeError(`label "${name}" appears twice`, where);
          all[name] = value;
        } else if (f === 2) {
          expectWire(w, WireType.LengthDelimited, 'TimeSeries.samples');
          points.push(readSample(reader, raw));
        } else {
          // exemplars (3) and native histograms (4) have no single value to store
          if (f === 3 || f === 4) skipped++;
          reader.skip(w, f);
        }
      }
      if (reader.pos !== end) throw new RangeError('a TimeSeries overruns its length');

      const metric = all.__name__;
      if (metric === undefined) throw new IngestDecodeError('the series has no __name__ label', where);
      if (!METRIC_NAME.test(metric)) throw new IngestDecodeError(`"${metric}" is not a valid metric name`, where);
      const named: Record<string, string> = {};
      // an empty label value is the same as no label
      for (const [k, v] of Object.entries(all)) if (k !== '__name__' && v !== '') named[k] = v;
      const { device, labels } = splitDeviceLabels(named);
      for (const p of points) {
        // other NaN and ±Inf values go on, to be refused and counted per sample (non_finite_value)
        if (p.stale) skipped++;
        else samples.push({ device, metric, value: p.value, ts: p.ts, labels: { ...labels } });
      }
    }
  } catch (e) {
    if (e instanceof IngestDecodeError) throw e;
    throw new IngestDecodeError(`the protobuf WriteRequest is malformed: ${(e as Error).message}`, where);
  }
  return { samples, skipped };
}

/** WriteRequest bytes, snappy-compressed: what Prometheus sends. Labels are sorted as the spec requires. */
export function encodeRemoteWrite(series: RemoteWriteSeries[]): Uint8Array {
  const w = new BinaryWriter();
  for (const s of series) {
    w.tag(1, WireType.LengthDelimited).fork();
    for (const [name, value] of Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      w.tag(1, WireType.LengthDelimited).fork();
      w.tag(1, WireType.LengthDelimited).string(name);
      w.tag(2, WireType.LengthDelimited).string(value);
      w.join();
    }
    for (const p of s.samples) {
      w.tag(2, WireType.LengthDelimited).fork();
      w.tag(1, WireType.Bit64).double(p.value);
      w.tag(2, WireType.Varint).int64(p.ts);
      w.join();
    }
    w.join();
  }
  return compress(w.finish());
}

const REMOTE_WRITE_2 = 'io.prometheus.write.v2.request';

/** Throws a 415 unless the request is remote_write 1.0: protobuf WriteRequest, snappy, version 0.1.x. */
export function checkRemoteWriteHeaders(headers: {
  contentType: string | null | undefined;
  contentEncoding: string | null | undefined;
  version: string | null | undefined;
}): void {
  const [mediaType, ...params] = (headers.contentType ?? '').split(';').map((s) => s.trim().toLowerCase());
  const proto = params.find((p) => p.startsWith('proto='))?.slice(6);
  const only1 =
    'only remote_write 1.0 is supported (set protobuf_message: prometheus.WriteRequest in the remote_write config)';
  if (proto === REMOTE_WRITE_2 || headers.version?.trim().startsWith('2.')) {
    throw new IngestDecodeError(`remote_write 2.0 is not supported; ${only1}`, 'Content-Type', 415);
  }
  if (mediaType !== 'application/x-protobuf' || (proto !== undefined && proto !== 'prometheus.writerequest')) {
    throw new IngestDecodeError(
      `Content-Type must be application/x-protobuf, got "${headers.contentType ?? ''}"; ${only1}`,
      'Content-Type',
      415,
    );
  }
  if ((headers.contentEncoding ?? '').trim().toLowerCase() !== 'snappy') {
    throw new IngestDecodeError(
      `Content-Encoding must be snappy, got "${headers.contentEncoding ?? ''}"`,
      'Content-Encoding',
      415,
    );
  }
  const version = headers.version?.trim();
  if (version && !/^0\.1(\.\d+)?$/.test(version)) {
    throw new IngestDecodeError(
      `X-Prometheus-Remote-Write-Version ${version} is not supported; expected 0.1.0`,
      'X-Prometheus-Remote-Write-Version',
      415,
    );
  }
}
