import type { Actor, ServiceContext } from '../context';
import type { Env } from '../../env';
import { ProblemError } from '../http/problem';
import { zoneLowers } from '../access/zones';

/**
 * Step-up: some zones ask for more than a valid session before a single object in them is read or written.
 * `passkey_uv`: a passkey assertion with user verification (biometric or PIN) in this session within the last
 * STEP_UP_MAX_AGE_SECONDS. `any_second_factor` is reserved for TOTP and is satisfied by a passkey for now.
 */
export const STEP_UP_REQUIREMENTS = ['none', 'passkey_uv', 'any_second_factor'] as const;
export type StepUpRequirement = (typeof STEP_UP_REQUIREMENTS)[number];
export const STEP_UP_MAX_AGE_SECONDS = 300;

const DEFAULT_POLICY: Record<string, StepUpRequirement> = { 'Top Secret': 'passkey_uv' };

const parsed = new Map<string, Record<string, StepUpRequirement>>();

/** The policy per zone: STEP_UP_POLICY (JSON) over the default. A malformed value fails closed (500 + log). */
export function stepUpPolicy(env: Pick<Env, 'STEP_UP_POLICY'>): Record<string, StepUpRequirement> {
  const raw = env.STEP_UP_POLICY?.trim();
  if (!raw) return DEFAULT_POLICY;
  const cached = parsed.get(raw);
  if (cached) return cached;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('STEP_UP_POLICY must be a JSON object such as {"Top Secret":"passkey_uv"}');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('STEP_UP_POLICY must be a JSON object of zone -> requirement');
  }
  for (const [zone, req] of Object.entries(value)) {
    if (!(STEP_UP_REQUIREMENTS as readonly unknown[]).includes(req)) {
      throw new Error(`STEP_UP_POLICY: zone "${zone}" has "${String(req)}"; use ${STEP_UP_REQUIREMENTS.join(', ')}`);
    }
  }
  const policy = { ...DEFAULT_POLICY, ...(value as Record<string, StepUpRequirement>) };
  parsed.set(raw, policy);
  return policy;
}

export const requirementFor = (env: Pick<Env, 'STEP_UP_POLICY'>, zone: string): StepUpRequirement =>
  stepUpPolicy(env)[zone] ?? 'none';

/** Whether the actor passed a step-up in the last STEP_UP_MAX_AGE_SECONDS. */
export function stepUpFresh(actor: Pick<Actor, 'stepUpAt'> | null, now = Date.now()): boolean {
  if (!actor?.stepUpAt) return false;
  const at = Date.parse(actor.stepUpAt);
  return Number.isFinite(at) && now - at < STEP_UP_MAX_AGE_SECONDS * 1000 && at <= now + 60_000;
}

/**
 * Refuse with 403 `step-up-required` unless the caller satisfies the zone's step-up policy. The platform itself
 * (actor null, or `system` work such as the demo seed) is never asked.
 */
export function requireStepUp(ctx: Pick<ServiceContext, 'actor' | 'env' | 'system'>, zone: string): void {
  if (ctx.system || !ctx.actor) return;
  const req = requirementFor(ctx.env, zone);
  if (req === 'none' || stepUpFresh(ctx.actor)) return;
  throw stepUpProblem(ctx.actor, zone, `This object is in the ${zone} zone, which asks for`);
}

function stepUpProblem(actor: Actor, zone: string, why: string): ProblemError {
  const how = actor.sessionId
    ? 'Confirm it is you with a passkey (user verification): POST /api/passkeys/step-up/options, then /verify.'
    : 'API tokens cannot step up: sign in and confirm with a passkey.';
  return new ProblemError(
    403,
    'step-up-required',
    `${why} a passkey confirmation made in the last ${STEP_UP_MAX_AGE_SECONDS / 60} minutes. ${how}`,
    {
      title: 'Step-up Required',
      extra: { zone, satisfied_by: ['passkey_uv'], max_age_seconds: STEP_UP_MAX_AGE_SECONDS },
    },
  );
}

/**
 * Moving an object to a less protected zone (declassifying it) always needs a fresh passkey step-up, whatever
 * the zones' own policies: the caller already needs the source zone's clearance to see the object at all.
 */
export function requireStepUpToDeclassify(
  ctx: Pick<ServiceContext, 'actor' | 'env' | 'system'>,
  from: string,
  to: string,
): void {
  if (ctx.system || !ctx.actor || !zoneLowers(from, to) || stepUpFresh(ctx.actor)) return;
  throw stepUpProblem(ctx.actor, from, `Moving an object from the ${from} zone down to ${to} needs`);
}

/** requireStepUp for each distinct zone of a set of objects. */
export function requireStepUpForZones(ctx: Pick<ServiceContext, 'actor' | 'env' | 'system'>, zones: Iterable<string>) {
  for (const zone of new Set(zones)) requireStepUp(ctx, zone);
}

/** Whether any zone asks for a step-up the caller lacks (cheap pre-check before looking zones up). */
export const mayNeedStepUp = (ctx: Pick<ServiceContext, 'actor' | 'env' | 'system'>): boolean =>
  !ctx.system &&
  !!ctx.actor &&
  !stepUpFresh(ctx.actor) &&
  Object.values(stepUpPolicy(ctx.env)).some((r) => r !== 'none');
