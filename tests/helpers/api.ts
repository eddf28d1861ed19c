import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { expect } from 'vitest';
import worker from '../../worker/index';

export const BASE = 'http://localhost';

/**
 * The Worker's own fetch handler (worker/index.ts), called in this isolate with the real bindings (D1, Durable
 * Objects) and a real execution context. Not `exports.default.fetch`: in @cloudflare/vitest-pool-workers every
 * call through that loopback costs more than the one before (3.5 ms for the first /api/health, 34 ms after 300
 * calls in one test), which capped how many requests the fuzz suite could afford.
 */
export function workerFetch(url: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(worker.fetch(new Request(url, init), env, createExecutionContext()));
}
export const PROBLEM_BASE = 'https://dc-platform.dev/problems/';

export interface ApiOptions {
  method?: string;
  /** sent as `Authorization: Bearer <token>` */
  token?: string;
  /** JSON body (content-type application/json unless `headers` says otherwise) */
  json?: unknown;
  /** form body (application/x-www-form-urlencoded) */
  form?: Record<string, string>;
  /** raw body, sent as is */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface ApiResult<T = any> {
  status: number;
  headers: Headers;
  /** parsed JSON when the response is JSON, the text otherwise */
  body: T;
  text: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { field: string; message: string }[];
  [key: string]: unknown;
}

/** Call the Worker in-process and return status, headers and the decoded body. */
export async function api<T = any>(path: string, opts: ApiOptions = {}): Promise<ApiResult<T>> {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set('Authorization', `Bearer ${opts.token}`);
  let body: string | Uint8Array | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded');
  }
  const method = opts.method ?? (body !== undefined ? 'POST' : 'GET');
  const res = await workerFetch(`${BASE}${path}`, { method, headers, body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let parsed: unknown = text;
  if (/json/i.test(type) && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Field names of a problem's `errors[]`. */
export const fieldsOf = (res: ApiResult<Problem>) => (res.body.errors ?? []).map((e) => e.field);

/**
 * Assert an RFC 9457 problem response with this status; when `fields` is given, `errors[]` must name each of
 * them (and only them when `exact`).
 */
export function expectProblem(res: ApiResult, status: number, fields?: string[], exact = false): Problem {
  const ctx = `${status} expected, got ${res.status}: ${res.text.slice(0, 500)}`;
  expect(res.status, ctx).toBe(status);
  expect(res.headers.get('content-type'), ctx).toMatch(/^application\/problem\+json/);
  const p = res.body as Problem;
  expect(p.status, ctx).toBe(status);
  expect(p.type, ctx).toMatch(new RegExp(`^${PROBLEM_BASE.replace(/[.]/g, '\\.')}[a-z-]+$`));
  expect(typeof p.title, ctx).toBe('string');
  expect(p.title.length, ctx).toBeGreaterThan(0);
  expect(typeof p.detail, ctx).toBe('string');
  expect(p.detail.length, ctx).toBeGreaterThan(0);
  if (fields) {
    const named = (p.errors ?? []).map((e) => e.field);
    if (exact) expect([...named].sort(), ctx).toEqual([...fields].sort());
    else for (const f of fields) expect(named, ctx).toContain(f);
    for (const e of p.errors ?? []) expect(e.message.length, ctx).toBeGreaterThan(0);
  }
  return p;
}

/** Decode a JWT segment (base64url JSON) without verifying anything. */
export function decodeJwtPart(token: string, index: 0 | 1): Record<string, any> {
  const part = token.split('.')[index];
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}
