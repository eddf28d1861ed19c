// The fields of the command lines' CSV files, read and written fast enough for a million rows a second (the
// generic Number() and String() of V8 cost more than the detector itself on short decimals).
//
// Timestamps as the command lines meet them: unix seconds (or milliseconds), ISO 8601, or NAB's
// "2014-02-14 14:30:00" (UTC, no zone). Epoch milliseconds; NaN when it is none of these.
const PLAIN = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?$/;

export function parseTimestamp(text) {
  const t = String(text).trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  const m = PLAIN.exec(t);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0, ms);
  }
  return Date.parse(t);
}

const digit = (t, i) => t.charCodeAt(i) - 48;

/**
 * A column of timestamps read in order: rows of one hour share "YYYY-MM-DD HH", so only the minutes and seconds
 * are read for most of them (a million rows a second needs that); anything else goes through parseTimestamp.
 */
export class TimestampReader {
  prefix = '';
  hourMs = 0;
  read(text) {
    if (text.length === 19 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58) {
      if (!text.startsWith(this.prefix) || this.prefix === '') {
        this.prefix = text.slice(0, 13);
        this.hourMs = parseTimestamp(`${this.prefix}:00:00`);
      }
      return (
        this.hourMs +
        (digit(text, 14) * 10 + digit(text, 15)) * 60_000 +
        (digit(text, 17) * 10 + digit(text, 18)) * 1000
      );
    }
    return parseTimestamp(text);
  }

  /** The same from bytes [start, end) of a buffer. */
  readBytes(b, start, end) {
    if (end - start === 19 && b[start + 13] === 58 && b[start + 16] === 58) {
      const p = this.prefixBytes;
      let same = p !== undefined;
      for (let i = 12; same && i >= 0; i--) same = p[i] === b[start + i];
      if (!same) {
        this.prefixBytes = Uint8Array.prototype.slice.call(b, start, start + 13);
        this.hourMs = parseTimestamp(`${b.toString('latin1', start, start + 13)}:00:00`);
      }
      const d = (i) => b[start + i] - 48;
      return this.hourMs + (d(14) * 10 + d(15)) * 60_000 + (d(17) * 10 + d(18)) * 1000;
    }
    return parseTimestamp(b.toString('utf8', start, end));
  }
}

/** A decimal as written in CSV files ("0.132", "-12", "547457000.0"); anything else goes through Number(). */
export function parseNumber(text) {
  const n = text.length;
  let i = 0;
  let neg = false;
  if (text.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let v = 0;
  let digits = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    digits++;
  }
  let scale = 1;
  if (i < n && text.charCodeAt(i) === 46) {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      scale *= 10;
      digits++;
    }
  }
  // up to 15 digits both the integer and the power of ten are exact, so one division rounds as Number() does
  if (i !== n || digits === 0 || digits > 15) return Number(text);
  return neg ? -v / scale : v / scale;
}

/** parseNumber over bytes [start, end) of a buffer. */
export function parseNumberBytes(b, start, end) {
  let i = start;
  let neg = false;
  if (b[i] === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    digits++;
  }
  let scale = 1;
  if (i < end && b[i] === 46) {
    for (i++; i < end; i++) {
      const c = b[i] - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
      scale *= 10;
      digits++;
    }
  }
  if (i !== end || digits === 0 || digits > 15) return Number(b.toString('utf8', start, end));
  return neg ? -v / scale : v / scale;
}

/** A score in [0, 1] with six decimals ("0", "1", "0.562973"), written at `o`; returns the next offset. */
export function writeScore(out, o, score) {
  const k = score > 0 ? Math.round(Math.min(score, 1) * 1e6) : 0;
  if (k === 0 || k >= 1e6) {
    out[o] = k === 0 ? 48 : 49;
    return o + 1;
  }
  out[o] = 48;
  out[o + 1] = 46;
  for (let i = 7, r = k; i >= 2; i--, r = (r / 10) | 0) out[o + i] = 48 + (r % 10);
  return o + 8;
}
