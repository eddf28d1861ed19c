import { Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { Api, type AppEnv, type Ctx } from './platform/http/api';
import { limitBody, requestContext } from './platform/http/middleware';
import { authenticate } from './platform/identity/authenticate';
import { securityHeaders } from './platform/http/security-headers';
import { ProblemError, conflict, problemResponse } from './platform/http/problem';
import { sealAuditChain } from './platform/audit/chain-client';
import type { Domain } from './platform/domain';
import { DOMAINS } from './domains';

/** D1/SQLite constraint failures that slipped past the services' own checks still answer 409, not 500. */
function constraintProblem(err: unknown): ProblemError | undefined {
  const msg = String((err as Error)?.message ?? '');
  const unique = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(msg);
  if (unique) {
    const fields = unique[1].split(', ').map((f) => f.split('.').pop()!);
    return new ProblemError(409, 'conflict', `Another row already has this ${fields.join(' + ')}.`, {
      errors: fields.map((field) => ({ field, message: 'is already taken' })),
    });
  }
  // the triggers of migrations/0009 (a concurrent write got in between the service's placement check and ours)
  const placement = /placement_conflict:(\w+):([^:]*)/.exec(msg);
  if (placement) {
    const [, field, message] = placement;
    return conflict(`The change does not fit: ${message.trim()} (changed by another request meanwhile).`, [
      { field, message: message.trim() },
    ]);
  }
  if (/FOREIGN KEY constraint failed/.test(msg)) {
    return new ProblemError(409, 'conflict', 'The change would break a reference between objects.');
  }
  return undefined;
}

/**
 * After a request that may have written audit entries, have the AuditChain object seal them (hash them into the
 * chain) once the response is out. GET verify seals itself; the Cron Trigger catches anything missed here.
 */
function executionCtxOf(c: Ctx): ExecutionContext | undefined {
  try {
    return c.executionCtx as ExecutionContext;
  } catch {
    return undefined; // app.fetch called without an execution context (tests calling the app directly)
  }
}

const sealAfterWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return;
  let executionCtx: { waitUntil(p: Promise<unknown>): void };
  try {
    executionCtx = c.executionCtx;
  } catch {
    return; // app.fetch called without an execution context (tests calling the app directly)
  }
  executionCtx.waitUntil(
    sealAuditChain(c.env).catch((e) => console.error(`[${c.get('requestId')}] audit chain: sealing failed`, e)),
  );
};

export function createApp(domains: readonly Domain[] = DOMAINS) {
  // a request whose identity turned out stale runs again through the whole app (see authenticate)
  const auth = authenticate(async (request, c) => root.fetch(request, c.env, executionCtxOf(c)));
  const platform = [requestContext, securityHeaders, auth];
  // the root serves what lives outside /api (GET /metrics, where Prometheus looks)
  const root = new Hono<AppEnv>();
  for (const d of domains) d.mountRoot?.(root, platform);

  const apiPath = (url: string) => new URL(url).pathname.replace(/^\/api/, '');
  const app = new Hono<AppEnv>().basePath('/api');
  app.use('*', platform[0]);
  app.use('*', securityHeaders);
  const api = new Api(app);
  app.use(
    '*',
    limitBody(
      (c) => api.readsOwnBody(c.req.method, apiPath(c.req.url)),
      (c) => api.bodyCapOf(c.req.method, apiPath(c.req.url)),
    ),
  );
  app.use('*', sealAfterWrites);
  app.use('*', auth);

  for (const d of domains) d.mount?.(api);
  root.route('/', app);

  root.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = api.methodsFor(path.replace(/^\/api/, ''));
    if (allowed.length) {
      const res = problemResponse(
        new ProblemError(
          405,
          'method-not-allowed',
          `${c.req.method} is not supported on ${path}; use ${allowed.join(', ')}.`,
        ),
        path,
      );
      res.headers.set('Allow', allowed.join(', '));
      return res;
    }
    return problemResponse(
      new ProblemError(404, 'not-found', `No API route matches ${c.req.method} ${path}. See /api/docs.`),
      path,
    );
  });
  const onError = (err: Error, c: Ctx) => {
    const instance = new URL(c.req.url).pathname;
    let res: Response;
    if (err instanceof ProblemError) res = problemResponse(err, instance);
    else if (err instanceof HTTPException && err.status < 500) {
      res = problemResponse(new ProblemError(err.status, 'http-error', err.message || 'Request refused.'), instance);
    } else {
      const known = constraintProblem(err);
      if (known) res = problemResponse(known, instance);
      else {
        // details go to the log with the request id, never to the client
        console.error(`[${c.get('requestId')}]`, err);
        res = problemResponse(
          new ProblemError(
            500,
            'internal',
            `Something went wrong on our side. Quote request id ${c.get('requestId')} when reporting it.`,
          ),
          instance,
        );
      }
    }
    const id = c.get('requestId');
    if (id) res.headers.set('X-Request-Id', id);
    return res;
  };
  app.onError(onError);
  root.onError(onError);
  return { app: root, api };
}
