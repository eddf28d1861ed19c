// Typed fetch wrapper for the DC Platform API. The session lives in an HttpOnly cookie (never in JS): requests
// are same-origin with default credentials. Errors arrive as RFC 9457 problem+json and become ApiError.
import { goto } from '$app/navigation';
import { endsSession } from './session-end';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  [k: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly problem: Problem;
  /** field name → first message (from the problem's `errors[]`) */
  readonly fieldErrors: Record<string, string>;

  constructor(problem: Problem) {
    const detail = problem.detail ?? problem.title ?? `Request failed (${problem.status})`;
    super(detail);
    this.name = 'ApiError';
    this.status = problem.status;
    this.title = problem.title ?? 'Error';
    this.detail = detail;
    this.problem = problem;
    this.fieldErrors = {};
    for (const e of problem.errors ?? []) if (!(e.field in this.fieldErrors)) this.fieldErrors[e.field] = e.message;
  }

  get isValidation() {
    return this.status === 422;
  }
  get isConflict() {
    return this.status === 409;
  }
  get isForbidden() {
    return this.status === 403;
  }
  get isNotFound() {
    return this.status === 404;
  }
}

/** A friendly sentence for any thrown value (network failures included). */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 403 && String(e.problem.type ?? '').endsWith('/step-up-required'))
      return `This object is in the ${e.problem.zone ?? 'a protected'} zone: confirm it's you with your passkey to open it.`;
    if (e.status === 403) return 'You do not have permission to do this.';
    return e.detail;
  }
  if (e instanceof DOMException && e.name === 'AbortError') return 'The request was cancelled.';
  if (e instanceof TypeError) return 'Could not reach the server. Check your connection and try again.';
  return e instanceof Error ? e.message : String(e);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** a body that is not JSON (a CSV import): its text and media type */
  text?: { body: string; type: string };
  signal?: AbortSignal;
  /** a session-ending 401 normally sends the user to /login; the sign-in form itself handles its own 401 */
  allow401?: boolean;
  /** set on the one retry after a step-up (a second 403 step-up-required is then thrown, not prompted again) */
  steppedUp?: boolean;
}

export function toQueryString(query: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

// Registration seams: session and step-up modules plug in here so this module imports neither of them.
type SessionEndedHandler = () => void;
type StepUpHandler = (problem: Problem, path: string) => Promise<boolean>;
const sessionEndedHandlers = new Set<SessionEndedHandler>();
let stepUpHandler: StepUpHandler | null = null;

/** Called when the API says the session has ended (before the redirect to /login). Returns an unsubscribe. */
export function onSessionEnded(handler: SessionEndedHandler): () => void {
  sessionEndedHandlers.add(handler);
  return () => sessionEndedHandlers.delete(handler);
}

/** The one prompt for 403 step-up-required; resolves true once the user has stepped up. */
export function setStepUpHandler(handler: StepUpHandler | null) {
  stepUpHandler = handler;
}

let redirecting = false;
function toLogin() {
  if (redirecting || location.pathname === '/login') return;
  redirecting = true;
  const next = location.pathname + location.search;
  goto(`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, { replaceState: true }).finally(
    () => (redirecting = false),
  );
}

async function raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  let body: BodyInit | undefined;
  if (opts.text) {
    headers['content-type'] = opts.text.type;
    body = opts.text.body;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`/api${path}${toQueryString(opts.query)}`, {
    method,
    headers,
    body,
    signal: opts.signal,
    credentials: 'same-origin',
  });
  if (res.ok) return res;

  let problem: Problem = { status: res.status, title: res.statusText };
  try {
    const text = await res.text();
    if (text) problem = { status: res.status, ...JSON.parse(text) };
  } catch {
    /* not JSON: keep the status line */
  }
  if (!opts.allow401 && endsSession(problem)) {
    for (const handler of sessionEndedHandlers) handler();
    toLogin();
  }
  // a Top Secret object asks for a recent passkey confirmation: prompt (StepUpDialog), then retry once
  if (
    res.status === 403 &&
    !opts.steppedUp &&
    stepUpHandler &&
    String(problem.type ?? '').endsWith('/step-up-required')
  ) {
    if (await stepUpHandler(problem, path)) return raw(method, path, { ...opts, steppedUp: true });
  }
  throw new ApiError(problem);
}

async function json<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export const api = {
  async get<T>(path: string, opts?: RequestOptions): Promise<T> {
    return json<T>(await raw('GET', path, opts));
  },
  /** A list endpoint: the bare array plus X-Total-Count. */
  async list<T>(path: string, query?: Query, signal?: AbortSignal): Promise<Page<T>> {
    const res = await raw('GET', path, { query, signal });
    const items = await json<T[]>(res);
    const total = Number(res.headers.get('X-Total-Count') ?? items.length);
    return { items, total: Number.isFinite(total) ? total : items.length };
  },
  /** Every row of a small collection (pickers): up to the API's page maximum. */
  async all<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T[]> {
    return (await api.list<T>(path, { limit: 1000, ...query }, signal)).items;
  },
  async post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return json<T>(await raw('POST', path, { ...opts, body: body ?? {} }));
  },
  /** POST a text document (CSV, YAML) as `type`. */
  async postText<T>(path: string, text: string, type: string, opts?: RequestOptions): Promise<T> {
    return json<T>(await raw('POST', path, { ...opts, text: { body: text, type } }));
  },
  async patch<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return json<T>(await raw('PATCH', path, { ...opts, body }));
  },
  async put<T>(path: string, body: unknown, opts?: RequestOptions): Promise<T> {
    return json<T>(await raw('PUT', path, { ...opts, body }));
  },
  async del(path: string, opts?: RequestOptions): Promise<void> {
    await raw('DELETE', path, opts);
  },
  /** A DELETE that answers with a body (a snapshot's deletion is queued: 202 with its operation). */
  async delWith<T>(path: string, opts?: RequestOptions): Promise<T> {
    return json<T>(await raw('DELETE', path, opts));
  },
};
