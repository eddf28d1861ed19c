import { badRequest, unprocessable } from './problem';

/** One decoding of a component, or undefined when its percent-escapes are not UTF-8. */
function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The query string as one value per name. URLSearchParams would turn `%ff` into U+FFFD and keep either the first
 * or the last of `limit=1&limit=2` depending on who reads it; both hide a client bug, so both are refused here:
 * bytes that are not UTF-8 with a 400, a parameter given twice with a 422, each naming `query.<name>`.
 */
export function strictQuery(url: string | URL): Record<string, string> {
  const search = typeof url === 'string' ? new URL(url).search : url.search;
  const out = new Map<string, string>();
  const undecodable: string[] = [];
  const repeated = new Set<string>();
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decode(rawName);
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === undefined || value === undefined) {
      undecodable.push(name ?? rawName);
      continue;
    }
    if (out.has(name)) repeated.add(name);
    else out.set(name, value);
  }
  if (undecodable.length) {
    throw badRequest(
      'The query string has percent-escapes that are not UTF-8.',
      undecodable.map((n) => ({ field: `query.${n}`, message: 'is not valid UTF-8 percent-encoding' })),
    );
  }
  if (repeated.size) {
    throw unprocessable([...repeated].map((n) => ({ field: `query.${n}`, message: 'must be given at most once' })));
  }
  // fromEntries defines own properties, so a parameter named __proto__ stays a parameter
  return Object.fromEntries(out);
}
