// The fuzz suite for one seed: every operation of /api/openapi.json, then every ingest format.
import fc from 'fast-check';
import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { FRAMEWORK_IDS } from '../../../worker/compliance/controls';
import { BASE } from '../../helpers/api';
import { api, adminToken, apiToken, createUser, estate, login, registerPasskey, type Row } from '../../helpers';
import { ingestRequests } from './ingest-bodies';
import { sendAndCheck, type Tokens } from './oracle';
import { operationsOf, requestsFor, type Fixtures, type FuzzRequest, type Knobs, type Operation } from './requests';

export const FIXED_SEED = 20_261_205;

/** Runs per operation: FUZZ_RUNS for a longer local run, otherwise what fits the 2-minute budget. */
export const runsPerOperation = (fallback: number) => Number(inject('fuzzRuns')) || fallback;

const knobs: Knobs = { skipKnown: inject('fuzzSkipKnown') === '1' };

/** Stable per-operation seed, so one FUZZ_SEED replays the whole file in the same order. */
function seedFor(seed: number, key: string): number {
  let h = seed | 0;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16_777_619);
  return h >>> 0;
}

interface State {
  tokens: Tokens;
  fixtures: Fixtures;
  /** user and session ids the fuzzer must not disable, demote or sign out, or every later request is a 401 */
  protectedUsers: Set<string>;
  protectedSessions: Set<string>;
  victim: Row;
  spareSession: string;
  servers: Row[];
  rack: Row;
}

async function currentSessionId(token: string): Promise<string> {
  const res = await api('/api/sessions', { token });
  expect(res.status, res.text).toBe(200);
  return (res.body as Row[]).find((s) => s.current)!.id;
}

async function setUp(): Promise<State> {
  const admin = await adminToken();
  const me = (await api('/api/users/me', { token: admin })).body;
  const viewer = await createUser('viewer', admin);
  const victim = await createUser('operator', admin);
  // this datacenter (with racks and servers) also keeps POST /demo/seed refusing, instead of seeding 400 servers
  const { dc, rack, servers } = await estate(admin, 3);
  const spareSession = await currentSessionId(await login(victim.username, victim.password));
  await apiToken(admin, ['read']);
  const { passkey } = await registerPasskey(admin);
  const tokens = (await api('/api/tokens', { token: admin })).body as Row[];
  const pathIds: Record<string, string[]> = {
    datacenters: [String(dc.id)],
    racks: [String(rack.id)],
    servers: servers.map((s) => String(s.id)),
    users: [String(victim.id), String(viewer.id), String(me.id)],
    tokens: tokens.map((t) => String(t.id)),
    sessions: [spareSession],
    passkeys: [String(passkey.id)],
    logs: ['1', '2', '3'],
    compliance: [...FRAMEWORK_IDS],
  };
  const fields: Record<string, unknown[]> = {
    rack_id: [rack.id],
    datacenter_id: [dc.id],
    server_id: servers.map((s) => s.id),
    server: servers.flatMap((s) => [s.id, s.name]),
    rack: [rack.id],
    datacenter: [dc.id],
    username: [victim.username],
  };
  return {
    tokens: { admin, viewer: viewer.token, anonymous: undefined, garbage: undefined },
    fixtures: {
      // the segment before the first `{`: /api/metrics/racks/{id}/storage -> racks
      pathIds: (path) => pathIds[/([^/]+)\/\{/.exec(path)?.[1] ?? ''] ?? [],
      field: (name) => fields[name] as never,
    },
    protectedUsers: new Set([String(me.id), String(viewer.id)]),
    protectedSessions: new Set([await currentSessionId(admin), await currentSessionId(viewer.token)]),
    victim,
    spareSession,
    servers,
    rack,
  };
}

/**
 * Requests that would end the fuzzing itself are redirected, not dropped, so the route is still exercised:
 * - sign-out (DELETE /session) is sent anonymously: signed in, it would revoke the session every later request uses;
 * - revoking a session (DELETE /sessions/{id}) hits the spare session, never the admin's or viewer's own;
 * - changing a user (PATCH /users/{id}) hits the spare operator, never the fuzzing admin or viewer (disabled or
 *   demoted, they would turn the rest of the run into 401s and 403s).
 * WebSocket routes (GET /live/racks/{id}, /live/datacenters/{id}) are fuzzed as plain GETs without `Upgrade`
 * (a problem 426 or 4xx); holding sockets open belongs to tests/integration/telemetry-live.test.ts.
 * Sign-in routes never get the fuzzing admin's username, so the account throttle cannot lock it.
 */
/** A path segment as the server will read it; a malformed escape (`%zz`) stays as it is, as the server keeps it. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function redirect(op: Operation, req: FuzzRequest, s: State): FuzzRequest {
  if (op.method === 'DELETE' && op.path === '/api/session' && req.as !== 'garbage') return { ...req, as: 'anonymous' };
  const last = req.path.split('/').pop()!;
  if (op.method === 'DELETE' && op.path === '/api/sessions/{id}' && s.protectedSessions.has(segment(last))) {
    return { ...req, path: `/api/sessions/${s.spareSession}` };
  }
  if (op.method === 'PATCH' && op.path === '/api/users/{id}' && s.protectedUsers.has(last)) {
    return { ...req, path: `/api/users/${s.victim.id}` };
  }
  return req;
}

async function openApiOperations(): Promise<Operation[]> {
  const res = await exports.default.fetch(`${BASE}/api/openapi.json`);
  return operationsOf(await res.json());
}

/** Register the whole suite for `seed`; `runs` requests per operation and for each ingest format. */
export async function fuzzSuite(seed: number, runs: number, label: string) {
  const ops = await openApiOperations();
  console.log(
    `[fuzz] ${label}: FUZZ_SEED=${seed}, ${runs} runs x ${ops.length} operations${knobs.skipKnown ? ' (known 500 classes skipped)' : ''}`,
  );
  let state: State;
  beforeAll(async () => {
    state = await setUp();
  }, 60_000);

  const check = (req: FuzzRequest) => sendAndCheck(req, state.tokens, String(seed)).then(() => undefined);
  const params = (key: string, numRuns: number) => ({
    seed: seedFor(seed, key),
    numRuns,
    // shrinking replays requests against state that moved on: the first failure, as generated, is the clearer report
    endOnFailure: true,
    includeErrorInReport: true,
  });

  describe(`OpenAPI operations (seed ${seed})`, () => {
    it('found the API in the OpenAPI document', () => {
      // the document is the suite's input: a handful of operations would mean it stopped describing the API
      expect(ops.length).toBeGreaterThan(50);
    });
    for (const op of ops) {
      const key = `${op.method} ${op.path}`;
      it(
        key,
        async () => {
          const arb = fc.constant(null).chain(() => requestsFor(op, state.fixtures, knobs));
          await fc.assert(
            fc.asyncProperty(arb, (req) => check(redirect(op, req, state))),
            params(key, runs),
          );
        },
        120_000,
      );
    }
    it('left the fuzzing sessions signed in (the redirects above held)', async () => {
      expect((await api('/api/users/me', { token: state.tokens.admin })).status).toBe(200);
      expect((await api('/api/users/me', { token: state.tokens.viewer })).status).toBe(200);
    });
  });

  describe(`ingest formats (seed ${seed})`, () => {
    it('JSON, Influx line protocol, Prometheus text, remote_write and OTLP with spoiled samples', async () => {
      const arb = fc.constant(null).chain(() =>
        ingestRequests(
          {
            servers: state.servers.map((s) => ({ id: s.id, name: s.name })),
            rackId: state.rack.id,
            datacenterId: state.rack.datacenter_id,
          },
          knobs,
        ),
      );
      await fc.assert(fc.asyncProperty(arb, check), params('ingest', runs * 8));
    }, 120_000);
  });
}
