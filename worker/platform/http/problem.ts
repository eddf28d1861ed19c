import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One bad input, named the way the client sent it (`u_position`, `[3].serial_number`, `query.limit`). */
export interface FieldError {
  field: string;
  message: string;
}

export const PROBLEM_BASE = 'https://dc-platform.dev/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  426: 'Upgrade Required',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/**
 * The only error type the API throws on purpose. The app's error handler turns it into an RFC 9457
 * application/problem+json response; anything else becomes a generic 500 problem without internals.
 */
export class ProblemError extends Error {
  readonly status: ContentfulStatusCode;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    slug: string,
    detail: string,
    opts: {
      errors?: FieldError[];
      title?: string;
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.status = status;
    this.type = PROBLEM_BASE + slug;
    this.title = opts.title ?? TITLES[status] ?? 'Error';
    this.detail = detail;
    this.errors = opts.errors;
    this.extra = opts.extra;
    this.headers = opts.headers;
  }

  body(instance?: string): Record<string, unknown> {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError(400, 'bad-request', detail, { errors });
export const unauthorized = (detail = 'Authentication is required: send a Bearer token or sign in.') =>
  new ProblemError(401, 'unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer realm="dc-platform"' } });
export const forbidden = (detail: string) => new ProblemError(403, 'forbidden', detail);
export const notFound = (entity: string, id?: string | number) =>
  new ProblemError(404, 'not-found', id === undefined ? `${entity} not found.` : `${entity} ${id} does not exist.`);
export const conflict = (detail: string, errors?: FieldError[], extra?: Record<string, unknown>) =>
  new ProblemError(409, 'conflict', detail, { errors, extra });
export const unprocessable = (errors: FieldError[], detail?: string) =>
  new ProblemError(
    422,
    'validation-error',
    detail ??
      `${errors.length} field${errors.length === 1 ? ' is' : 's are'} invalid: ${errors.map((e) => e.field).join(', ')}.`,
    { errors, title: 'Validation Failed' },
  );

export function problemResponse(p: ProblemError, instance?: string): Response {
  return new Response(JSON.stringify(p.body(instance)), {
    status: p.status,
    headers: { 'content-type': 'application/problem+json', ...p.headers },
  });
}
