// Reading the files of a NetBox export in the browser into the one body POST /api/imports/netbox takes: REST
// exports (one file per endpoint, named after it: devices.json → "devices"), one object already keyed by endpoint,
// or `manage.py dumpdata` arrays. The API checks the objects themselves; this only groups the files.

export type PickedKind = 'endpoint' | 'keyed' | 'dumpdata' | 'skipped' | 'invalid';

export interface PickedFile {
  name: string;
  bytes: number;
  kind: PickedKind;
  /** the endpoint lists this file gives (endpoint → object count); a dumpdata file counts under "dumpdata" */
  lists: Record<string, number>;
  /** why the file is skipped or unreadable */
  note?: string;
}

export interface NetboxBody {
  files: PickedFile[];
  /** the request body, or null when nothing can be sent */
  body: Record<string, unknown[]> | unknown[] | null;
  /** endpoint → the file it came from (to name files in the API's errors) */
  sources: Record<string, string>;
  /** a problem with the set of files as a whole */
  problem: string | null;
}

type Rec = Record<string, unknown>;
const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
/** an API page as NetBox answers it: { count, next, previous, results } */
const listOf = (x: unknown): unknown[] | null =>
  Array.isArray(x) ? x : isRec(x) && Array.isArray(x.results) ? x.results : null;
const isDumpdata = (list: unknown[]) =>
  list.length > 0 && list.every((o) => isRec(o) && typeof o.model === 'string' && isRec(o.fields));

/** "dcim_devices.json" stays "dcim_devices" (the API names the unknown key); "Devices.JSON" → "devices" */
export const endpointOf = (fileName: string) =>
  fileName
    .replace(/^.*[\\/]/, '')
    .replace(/\.json$/i, '')
    .trim()
    .toLowerCase()
    .replace(/_/g, '-');

/** Group parsed files into one request body. `texts` are the files' contents, in the order picked. */
export function buildNetboxBody(texts: { name: string; text: string }[]): NetboxBody {
  const files: PickedFile[] = [];
  const keyed: Record<string, unknown[]> = {};
  const sources: Record<string, string> = {};
  const dump: unknown[] = [];
  const put = (key: string, list: unknown[], file: string) => {
    (keyed[key] ??= []).push(...list);
    sources[key] = sources[key] && sources[key] !== file ? `${sources[key]}, ${file}` : file;
  };

  for (const { name, text } of texts) {
    const bytes = new TextEncoder().encode(text).length;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      files.push({ name, bytes, kind: 'invalid', lists: {}, note: `not JSON: ${(e as Error).message}` });
      continue;
    }
    const list = listOf(json);
    if (list && isDumpdata(list)) {
      dump.push(...list);
      files.push({ name, bytes, kind: 'dumpdata', lists: { dumpdata: list.length } });
    } else if (list) {
      const key = endpointOf(name);
      put(key, list, name);
      files.push({ name, bytes, kind: 'endpoint', lists: { [key]: list.length } });
    } else if (isRec(json)) {
      const lists: Record<string, number> = {};
      for (const [k, v] of Object.entries(json)) {
        const l = listOf(v);
        if (l) lists[k] = l.length;
      }
      if (Object.keys(lists).length === 0) {
        files.push({
          name,
          bytes,
          kind: 'skipped',
          lists: {},
          note: 'holds no list of NetBox objects (export metadata?): left out',
        });
        continue;
      }
      for (const k of Object.keys(lists)) put(k, listOf(json[k])!, name);
      files.push({ name, bytes, kind: 'keyed', lists });
    } else {
      files.push({ name, bytes, kind: 'invalid', lists: {}, note: 'must be a JSON list or object' });
    }
  }

  const usable = files.filter((f) => f.kind !== 'skipped' && f.kind !== 'invalid');
  const hasDump = usable.some((f) => f.kind === 'dumpdata');
  let problem: string | null = null;
  if (files.some((f) => f.kind === 'invalid')) problem = 'A file cannot be read: fix it or leave it out.';
  else if (hasDump && usable.length > files.filter((f) => f.kind === 'dumpdata').length)
    problem = 'Choose either dumpdata files or REST export files, not both.';
  else if (!usable.length && files.length) problem = 'None of these files holds NetBox objects.';
  const body = problem || !usable.length ? null : hasDump ? dump : keyed;
  return { files, body, sources: hasDump ? {} : sources, problem };
}

/** "devices[3].name" → "devices.json › [3].name" when the endpoint came from a file of another name or many */
export function errorPlace(field: string, sources: Record<string, string>): { file: string | null; place: string } {
  const m = /^([A-Za-z0-9_-]+)(.*)$/.exec(field);
  if (!m || !sources[m[1]!]) return { file: null, place: field };
  return { file: sources[m[1]!]!, place: `${m[1]}${m[2]}` };
}

export const fmtBytes = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} kB` : `${n} B`;
