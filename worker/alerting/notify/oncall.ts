// Who is on call: a pure function of a schedule and an instant (unit-tested across a daylight-saving change).

export interface Participant {
  name: string;
  email: string;
}

export interface Schedule {
  timezone: string;
  /** the first shift's start, wall clock in `timezone`: "2026-01-05T09:00" */
  handoff: string;
  shift_days: number;
  participants: Participant[];
  overrides: (Participant & { starts_at: string; ends_at: string })[];
}

const DAY = 86_400_000;

/** The wall-clock time of instant `t` in `timeZone`, as if that wall clock were UTC (ms). */
export function wallClock(t: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(t))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
}

const handoffWall = (s: Pick<Schedule, 'handoff'>) => Date.parse(`${s.handoff}:00Z`);

/** Which shift (0, 1, ...; negative before the first hand-off) instant `t` falls in. */
export function shiftIndex(s: Pick<Schedule, 'timezone' | 'handoff' | 'shift_days'>, t: number): number {
  return Math.floor((wallClock(t, s.timezone) - handoffWall(s)) / (s.shift_days * DAY));
}

/** The person on call at `t`: an override covering `t`, else the rotation's participant of that shift. */
export function onCallAt(s: Schedule, t: number): Participant | null {
  const o = s.overrides.find((x) => Date.parse(x.starts_at) <= t && t < Date.parse(x.ends_at));
  if (o) return { name: o.name, email: o.email };
  if (!s.participants.length) return null;
  const n = s.participants.length;
  return s.participants[((shiftIndex(s, t) % n) + n) % n]!;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
