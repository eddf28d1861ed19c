import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { ResourceDef, Row } from '../platform/http/resource';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { sealText } from '../platform/identity/totp-crypto';
import { notificationChannels } from './tables';
import { CHANNEL_KINDS, Channel, ChannelCreate, ChannelUpdate } from './schemas/notifications';
import { CHANNEL_SECRET_CONTEXT } from './notify/dispatch';

const lastDelivery = (column: string) =>
  sql.raw(
    `(SELECT ${column} FROM notification_deliveries d WHERE d.channel_id = notification_channels.id ORDER BY d.id DESC LIMIT 1)`,
  );

/** What a channel of each kind needs (one reading for create and update, on the row as it would be stored). */
export function channelProblems(row: Row, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const at = (field: string, message: string) => errors.push({ field: `${prefix}${field}`, message });
  if (row.kind === 'email') {
    if (!row.email_to) at('email_to', 'is required for an email channel');
  } else if (!row.url) {
    at('url', `is required for a ${String(row.kind)} channel`);
  }
  if (row.kind === 'webhook' && !row.secret_enc) {
    at('secret', 'is required for a webhook: receivers check the X-DCP-Signature made with it');
  }
  return errors;
}

export const channelsResource: ResourceDef = {
  path: '/notification-channels',
  entity: 'notification_channel',
  label: 'Notification channel',
  tag: 'Alerting',
  table: notificationChannels,
  schemas: { create: ChannelCreate, update: ChannelUpdate, output: Channel },
  filters: { kind: { type: 'string', values: CHANNEL_KINDS }, enabled: { type: 'bool' } },
  sortable: ['id', 'name', 'kind', 'enabled', 'created_at', 'updated_at'],
  defaultSort: 'name',
  searchable: ['name', 'description', 'url', 'email_to'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  hidden: ['secret_enc', 'secret_key_id'],
  computed: () => ({
    has_secret: sql<boolean>`(notification_channels.secret_enc IS NOT NULL)`,
    last_delivery_status: lastDelivery('status'),
    last_delivery_at: lastDelivery('coalesce(delivered_at, created_at)'),
  }),
  present: (row) => ('has_secret' in row ? { ...row, has_secret: !!row.has_secret } : row),
  access: { read: 'alerts:read', write: 'alerts:configure' },
  description:
    'Where notifications go: `webhook` (our JSON, signed: X-DCP-Signature = sha256=HMAC-SHA256(secret, ' +
    '"<X-DCP-Timestamp>.<body>")), `alertmanager` (the Alertmanager webhook payload, version 4), `slack` (an ' +
    'incoming-webhook message) or `email` (Cloudflare Email; logged when the Worker has no EMAIL binding). The ' +
    'signing secret is write-only and sealed at rest.',
  async prepare(ctx: ServiceContext, input: Row) {
    if (!('secret' in input)) return input;
    const { secret, ...rest } = input;
    if (!secret) return { ...rest, secret_enc: null, secret_key_id: null };
    const sealed = await sealText(ctx.env, CHANNEL_SECRET_CONTEXT, String(secret));
    return { ...rest, secret_enc: sealed.secret, secret_key_id: sealed.secret_key_id };
  },
  async check(_ctx, changes) {
    const errors = changes.flatMap((c) => channelProblems(c.after, c.prefix));
    if (errors.length) throw unprocessable(errors, 'The channel is missing what its kind needs.');
  },
};
