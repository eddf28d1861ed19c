import type { Env } from '../../env';
import { alertmanagerBody, emailMessage, signWebhook, slackBody, webhookBody, type NotificationView } from './payloads';

export interface ChannelTarget {
  id: number;
  name: string;
  kind: string;
  url: string | null;
  email_to: string | null;
  /** the webhook's signing secret, opened */
  secret: string | null;
}

export interface Outcome {
  ok: boolean;
  /** try again later (5xx, 408, 429, timeouts, network errors); a 4xx is the receiver saying no */
  retry: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

const TIMEOUT_MS = 10_000;
const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

async function post(url: string, body: string, headers: Record<string, string>): Promise<Omit<Outcome, 'duration_ms'>> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'DC-Platform-Notifier/1', ...headers },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
    // the receiver's answer is not ours to keep; only its status is recorded
    await res.body?.cancel();
    if (res.ok) return { ok: true, retry: false, status_code: res.status, error: null };
    return { ok: false, retry: retryable(res.status), status_code: res.status, error: `HTTP ${res.status}` };
  } catch (e) {
    const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    return {
      ok: false,
      retry: true,
      status_code: null,
      error: timeout ? `no answer within ${TIMEOUT_MS / 1000} s` : e instanceof Error ? e.message : String(e),
    };
  }
}

/**
 * Send `n` to one channel (to `recipient` instead of the channel's own addresses for an on-call person). Email
 * goes through the EMAIL binding (Cloudflare Email Routing); without one it is written to the log, which is what
 * local development gets.
 */
export async function deliver(
  env: Pick<Env, 'EMAIL' | 'NOTIFY_EMAIL_FROM'>,
  channel: ChannelTarget,
  n: NotificationView,
  recipient: string | null,
): Promise<Outcome> {
  const started = Date.now();
  const done = (o: Omit<Outcome, 'duration_ms'>): Outcome => ({ ...o, duration_ms: Date.now() - started });
  switch (channel.kind) {
    case 'webhook': {
      const body = JSON.stringify(webhookBody(n));
      const ts = Math.floor(Date.now() / 1000);
      const headers: Record<string, string> = { 'x-dcp-timestamp': String(ts), 'x-dcp-notification': String(n.id) };
      if (channel.secret) headers['x-dcp-signature'] = await signWebhook(channel.secret, ts, body);
      return done(await post(channel.url!, body, headers));
    }
    case 'alertmanager':
      return done(await post(channel.url!, JSON.stringify(alertmanagerBody(n, channel.name)), {}));
    case 'slack':
      return done(await post(channel.url!, JSON.stringify(slackBody(n)), {}));
    case 'email': {
      const to = (recipient ?? channel.email_to ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const from = env.NOTIFY_EMAIL_FROM ?? 'alerts@dc-platform.local';
      const raw = emailMessage(n, from, to);
      if (!env.EMAIL) {
        console.log(`[email: no EMAIL binding, logged instead]\n${raw}`);
        return done({ ok: true, retry: false, status_code: null, error: null });
      }
      try {
        const { EmailMessage } = await import('cloudflare:email');
        // the binding takes one envelope recipient per message
        for (const addr of to) await env.EMAIL.send(new EmailMessage(from, addr, raw));
        return done({ ok: true, retry: false, status_code: null, error: null });
      } catch (e) {
        return done({ ok: false, retry: true, status_code: null, error: e instanceof Error ? e.message : String(e) });
      }
    }
    default:
      return done({ ok: false, retry: false, status_code: null, error: `unknown channel kind ${channel.kind}` });
  }
}

/** When to try a failed delivery again: 30 s, 1, 2, 4, 8 min after attempts 1-5; then it has failed. */
export const MAX_ATTEMPTS = 6;
export const retryDelayMs = (attempts: number) => 30_000 * 2 ** (attempts - 1);
