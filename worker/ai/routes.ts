import type { Api } from '../platform/http/api';
import { strictQuery } from '../platform/http/query-params';
import { parseOrThrow } from '../platform/http/validation';
import { unprocessable } from '../platform/http/problem';
import { visibleRack, visibleServer } from '../telemetry/query';
import { devicePatterns } from './patterns';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { AnomalyQuery, PatternQuery, SeriesAnomalies, SeriesPattern } from './schemas/anomalies';

const HOUR = 3_600_000;

export function mountAi(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/metrics/servers/anomalies',
      summary: "A server's anomaly scores: per series, the highest score of each minute and why the last one scored",
      description:
        'Every series of the server (standard metrics and custom ones) is scored in its rack object by the ' +
        'streaming detector, sample by sample, in [0, 1]. from/to: ms, ISO 8601 or relative (-6h); default the ' +
        'last 6 hours; per-minute scores are kept 24 h. `last` explains the latest sample: the band the detector ' +
        'expected, which of its parts fired, and how unusual (likelihood).',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: AnomalyQuery,
      rawQuery: true,
      responses: [
        { status: 200, description: 'Scores per series', schema: SeriesAnomalies, name: 'SeriesAnomalies', list: true },
      ],
    },
    async (c, { ctx }) => {
      const q = parseOrThrow(AnomalyQuery, strictQuery(c.req.url), 'query.');
      const server = await visibleServer(ctx, q.server_id);
      const to = q.to ?? Date.now();
      const from = q.from ?? to - 6 * HOUR;
      if (from >= to) throw unprocessable([{ field: 'query.from', message: 'must be before "to"' }]);
      const series = await rackTelemetry(ctx.env, server.rack_id).anomalies({ server_id: server.server_id, from, to });
      return c.json(series.sort((a, b) => a.metric.localeCompare(b.metric)));
    },
  );
  api.op(
    {
      method: 'get',
      path: '/metrics/patterns',
      summary: "Daily and weekly patterns of a server's series (server_id) or of a rack's own sensors (rack_id)",
      description:
        'Found by autocorrelation in the last 28 days of hourly averages: a daily pattern (its peak and low hour, ' +
        'UTC, against the mean) from 3 days of data, a weekly one (the weekend against the working days) from ' +
        '14. `summary` says it in words. The streaming detector learns the same rhythms as its hourly bands.',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: PatternQuery,
      rawQuery: true,
      responses: [
        { status: 200, description: 'Patterns per series', schema: SeriesPattern, name: 'SeriesPattern', list: true },
      ],
    },
    async (c, { ctx }) => {
      const q = parseOrThrow(PatternQuery, strictQuery(c.req.url), 'query.');
      if ((q.server_id === undefined) === (q.rack_id === undefined)) {
        throw unprocessable([{ field: 'query.server_id', message: 'give server_id or rack_id (one of them)' }]);
      }
      const device =
        q.server_id !== undefined
          ? await visibleServer(ctx, q.server_id)
          : { ...(await visibleRack(ctx, q.rack_id!)), server_id: 0 };
      return c.json(await devicePatterns(ctx, { rack_id: device.rack_id, server_id: device.server_id }));
    },
  );
}
