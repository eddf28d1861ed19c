import type { Context, Hono } from 'hono';
import * as v from 'valibot';
import type { Actor, ServiceContext } from '../context';
import type { Db } from '../db/client';
import type { RiderSlot } from '../db/rider';
import type { Env } from '../../env';
import { can, scopeAllows, type Permission } from '../access/roles';
import { ProblemError, forbidden, unauthorized } from './problem';
import { runBatch } from '../db/client';
import { auditEvent, toStatement } from '../audit/trail';
import { parseOrThrow, readJsonBody } from './validation';
import { strictQuery } from './query-params';

export type AppEnv = {
  Bindings: Env;
  Variables: {
    user: Actor | null;
    requestId: string;
    clientIp: string | null;
    db: Db;
    /** the request's seat for a statement riding in its next D1 batch (the identity re-check) */
    riders: RiderSlot;
  };
};
export type Ctx = Context<AppEnv>;

/** `public`: anyone; `authenticated`: any signed-in user; otherwise a permission of the role matrix. */
export type Access = 'public' | 'authenticated' | Permission;
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface OpResponse {
  status: number;
  description: string;
  schema?: v.GenericSchema;
  /** a bare JSON array of `schema`, paginated with X-Total-Count and Link */
  list?: boolean;
  contentType?: string;
  /** a named schema: listed once under components.schemas and referenced (what the UI's generated types call it) */
  name?: string;
  /** every property is always present (rows carry every column, null when empty) though the schema says optional */
  complete?: boolean;
}

export interface OpSpec {
  method: Method;
  /** OpenAPI style, relative to /api: `/racks/{id}/elevation` */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  params?: v.ObjectSchema<any, any>;
  query?: v.ObjectSchema<any, any> | v.StrictObjectSchema<any, any>;
  /** JSON body schema; `bodyForm` for application/x-www-form-urlencoded (OAuth2 token endpoint) */
  body?: v.GenericSchema;
  bodyForm?: v.ObjectSchema<any, any>;
  /** an empty body reads as `{}` (PUT /alerts/{id}/acknowledge, where the note is optional) */
  optionalBody?: boolean;
  /** the handler validates the query itself (list endpoints); `query` is then for documentation only */
  rawQuery?: boolean;
  /** the handler reads the body itself (bulk creates); `body` is then for documentation only */
  rawBody?: boolean;
  /** this route's body cap in bytes, above MAX_BODY_BYTES (a whole NetBox export, a CSV import) */
  maxBodyBytes?: number;
  /** the body's media types for the OpenAPI document when it is not JSON (text/csv) */
  bodyContentTypes?: string[];
  responses: OpResponse[];
}

export interface OpInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  ctx: ServiceContext;
  user: Actor | null;
}

type Out<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;

export const serviceContext = (c: Ctx): ServiceContext => ({
  db: c.get('db'),
  env: c.env,
  actor: c.get('user'),
  requestId: c.get('requestId'),
  clientIp: c.get('clientIp'),
});

export function checkAccess(user: Actor | null, access: Access): void {
  if (access === 'public') return;
  if (!user) throw unauthorized();
  if (access === 'authenticated') return;
  if (!can(user.role, access)) {
    throw forbidden(`Your role "${user.role}" does not allow this (needs the "${access}" permission).`);
  }
  if (user.scopes && !scopeAllows(user.scopes, access)) {
    throw forbidden(`This API token's scopes (${user.scopes.join(', ')}) do not allow "${access}".`);
  }
}

const pathMatches = (op: OpSpec, path: string) => new RegExp(`^${op.path.replace(/\{\w+\}/g, '[^/]+')}/?$`).test(path);

/**
 * Every route is declared through `op`: it mounts the handler on Hono, enforces access, validates params,
 * query and body with the declared valibot schemas, and records the declaration for the OpenAPI document.
 */
export class Api {
  readonly ops: OpSpec[] = [];
  constructor(readonly app: Hono<AppEnv>) {}

  /** Methods declared for a path (relative to /api): a non-empty answer turns a 404 into a 405. */
  methodsFor(path: string): string[] {
    return this.ops.filter((op) => pathMatches(op, path)).map((op) => op.method.toUpperCase());
  }

  /**
   * Does this request reach a route that reads its body under its own cap? Telemetry ingest, recognised by its
   * permission, takes batches far above MAX_BODY_BYTES and enforces INGEST_MAX_BODY_BYTES itself.
   */
  readsOwnBody(method: string, path: string): boolean {
    // (a JSON route with the ingest permission that lets the platform parse its body, POST /v2/alerts, keeps the limit)
    return this.ops.some(
      (op) =>
        op.access === 'metrics:ingest' &&
        (op.rawBody || !op.body) &&
        op.method === method.toLowerCase() &&
        pathMatches(op, path),
    );
  }

  /** The body cap a route declared for itself (`maxBodyBytes`), if the request reaches one. */
  bodyCapOf(method: string, path: string): number | undefined {
    return this.ops.find((op) => op.maxBodyBytes && op.method === method.toLowerCase() && pathMatches(op, path))
      ?.maxBodyBytes;
  }

  op<S extends OpSpec>(
    spec: S,
    handler: (
      c: Ctx,
      input: OpInput<
        Out<S['params']>,
        Out<S['query']>,
        S['bodyForm'] extends v.GenericSchema ? Out<S['bodyForm']> : Out<S['body']>
      >,
    ) => Response | Promise<Response>,
  ): void {
    this.ops.push(spec);
    const honoPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.app.on(spec.method.toUpperCase(), honoPath, async (c) => {
      const user = c.get('user');
      try {
        checkAccess(user, spec.access);
      } catch (e) {
        // a signed-in user reaching for what their role or token does not allow is a security event
        if (user && e instanceof ProblemError && e.status === 403) {
          const ctx = serviceContext(c);
          await runBatch(ctx.db, [
            toStatement(
              ctx,
              auditEvent(ctx, {
                action: 'permission_denied',
                entityType: 'route',
                entityId: `${spec.method.toUpperCase()} /api${spec.path}`,
                details: { permission: spec.access, role: user.role, ...(user.scopes ? { scopes: user.scopes } : {}) },
              }),
            ),
          ]);
        }
        throw e;
      }
      const params = spec.params ? parseOrThrow(spec.params, c.req.param(), 'path.') : undefined;
      const query =
        spec.query && !spec.rawQuery ? parseOrThrow(spec.query, strictQuery(c.req.url), 'query.') : undefined;
      let body: unknown;
      if (spec.bodyForm) {
        const form = await readForm(c.req.raw);
        body = parseOrThrow(spec.bodyForm, form);
      } else if (spec.body && !spec.rawBody) {
        body = parseOrThrow(spec.body, await readJsonBody(c.req.raw, spec.optionalBody));
      }
      return handler(c, { params, query, body, ctx: serviceContext(c), user } as never);
    });
  }
}

async function readForm(req: Request): Promise<Record<string, string>> {
  const type = req.headers.get('content-type') ?? '';
  // OAuth2 clients send form bodies; accept JSON too for convenience
  if (/json/i.test(type)) return (await readJsonBody(req)) as Record<string, string>;
  const out: Record<string, string> = {};
  // decode the bytes ourselves: workerd warns when .text() reads a form-encoded body
  for (const [k, val] of new URLSearchParams(new TextDecoder().decode(await req.arrayBuffer()))) out[k] = val;
  return out;
}
