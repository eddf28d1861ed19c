import { IngestDecodeError } from './samples';

/**
 * Read a request body of at most `max` bytes, refusing (413) from Content-Length before reading, or as soon as
 * the stream passes the cap. `gzip` bodies (Telegraf's content_encoding = "gzip") are inflated under the same
 * kind of cap, so a small bomb cannot allocate gigabytes.
 */
export async function readBodyCapped(
  req: Request,
  max: number,
  maxDecoded = max,
  allowGzip = false,
): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    throw new IngestDecodeError(`the body is ${declared} bytes; at most ${max} are accepted`, 'body', 413);
  }
  if (!req.body) throw new IngestDecodeError('the request body is empty', 'body');
  const encoding = (req.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (encoding === 'gzip' && allowGzip) {
    const raw = await collect(req.body, max, 'body');
    const inflated = new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'));
    return collect(inflated, maxDecoded, 'decoded body');
  }
  if (encoding && encoding !== 'identity') {
    throw new IngestDecodeError(`Content-Encoding "${encoding}" is not supported here`, 'Content-Encoding', 415);
  }
  const body = await collect(req.body, max, 'body');
  if (body.length === 0) throw new IngestDecodeError('the request body is empty', 'body');
  return body;
}

async function collect(stream: ReadableStream<Uint8Array>, max: number, what: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw new IngestDecodeError(`the ${what} exceeds ${max} bytes`, 'body', 413);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof IngestDecodeError) throw e;
    throw new IngestDecodeError(`the ${what} could not be read: ${(e as Error).message}`, 'body');
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
export function bodyText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new IngestDecodeError('the body is not valid UTF-8 text', 'body');
  }
}
