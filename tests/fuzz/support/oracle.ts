// Sends one generated request through the Worker and judges the answer by the house rules: never a 5xx; every
// 4xx an RFC 9457 problem; a refused write changes no state.
import { BASE, PROBLEM_BASE, workerFetch } from '../../helpers/api';
import { changedTables, fingerprint } from './fingerprint';
import type { FuzzRequest, Identity } from './requests';

export type Tokens = Record<Identity, string | undefined>;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const excerpt = (b: FuzzRequest['body']) => {
  if (b === undefined) return '(none)';
  const text = typeof b === 'string' ? b : `bytes ${[...b.slice(0, 48)].join(',')}`;
  return JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}... (${text.length} chars)` : text);
};

/** One line a person can act on: the request, who sent it, the status, the seed that reproduces it. */
export function describeRequest(req: FuzzRequest): string {
  const query = req.query.length > 300 ? `${req.query.slice(0, 300)}... (${req.query.length} chars)` : req.query;
  const as = req.as === 'garbage' ? `garbage credentials ${JSON.stringify(req.headers).slice(0, 120)}` : req.as;
  return `${req.method} ${req.path}${query ? `?${query}` : ''} as ${as}, content-type ${req.contentType ?? '(none)'}, body ${excerpt(req.body)}`;
}

export class FuzzFailure extends Error {}

function problemIssues(status: number, type: string | null, text: string): string[] {
  const issues: string[] = [];
  if (!/^application\/problem\+json/.test(type ?? '')) issues.push(`content-type is "${type}"`);
  let p: any;
  try {
    p = JSON.parse(text);
  } catch {
    return [...issues, 'body is not JSON'];
  }
  if (typeof p?.type !== 'string' || !p.type.startsWith(PROBLEM_BASE)) issues.push('type is missing or foreign');
  if (typeof p?.title !== 'string' || !p.title) issues.push('title is missing');
  if (p?.status !== status) issues.push(`status field ${p?.status} differs from ${status}`);
  if (typeof p?.detail !== 'string' || !p.detail) issues.push('detail is missing');
  if (p?.errors !== undefined) {
    const ok =
      Array.isArray(p.errors) &&
      p.errors.length > 0 &&
      p.errors.every(
        (e: any) => typeof e?.field === 'string' && e.field && typeof e?.message === 'string' && e.message,
      );
    if (!ok) issues.push('errors[] is not a non-empty list of {field, message}');
  }
  // a validation failure always names the fields it refused
  if (status === 422 && !Array.isArray(p?.errors)) issues.push('422 without errors[]');
  return issues;
}

/** Send `req` and throw a FuzzFailure naming it (and `seed`) when the answer breaks a rule. */
export async function sendAndCheck(req: FuzzRequest, tokens: Tokens, seed: string): Promise<number> {
  const headers = new Headers(req.headers);
  const token = tokens[req.as];
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (req.contentType) headers.set('content-type', req.contentType);
  const url = `${BASE}${req.path}${req.query ? `?${req.query}` : ''}`;

  const write = WRITES.has(req.method);
  const before = write ? await fingerprint() : undefined;
  const res = await workerFetch(url, { method: req.method, headers, body: req.body });
  const text = await res.text();
  const fail = (why: string) => {
    throw new FuzzFailure(
      `${why}\n  request: ${describeRequest(req)}\n  status: ${res.status}\n  response: ${text.slice(0, 400)}\n  reproduce: FUZZ_SEED=${seed}`,
    );
  };
  if (res.status >= 500) fail(`answered ${res.status}`);
  if (res.status >= 400) {
    const issues = problemIssues(res.status, res.headers.get('content-type'), text);
    if (issues.length) fail(`a ${res.status} that is not a proper problem document: ${issues.join('; ')}`);
    if (before) {
      const changed = changedTables(before, await fingerprint());
      if (changed.length) fail(`a refused write changed state: ${changed.join('; ')}`);
    }
  }
  return res.status;
}
