import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { search, SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX, SEARCH_Q_MAX } from './service';

const SearchQuery = v.object({
  q: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(SEARCH_Q_MAX, `must be at most ${SEARCH_Q_MAX} characters`),
  ),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'must be a whole number'),
      v.transform(Number),
      v.minValue(1, 'must be at least 1'),
      v.maxValue(SEARCH_LIMIT_MAX, `must be at most ${SEARCH_LIMIT_MAX}`),
    ),
    String(SEARCH_LIMIT_DEFAULT),
  ),
});

export function mountSearch(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/search',
      summary: 'Global search: datacenters, racks and servers by name, serial number or IP, best matches first',
      description:
        'Case-insensitive; `%` and `_` match literally. Each kind is ranked exact > prefix > substring and ' +
        'holds at most `limit` hits; objects above the caller’s clearance are never returned.',
      tags: ['Search'],
      access: 'inventory:read',
      query: SearchQuery,
      responses: [{ status: 200, description: 'Hits grouped by kind' }],
    },
    async (c, { ctx, query }) => c.json(await search(ctx, query.q, query.limit)),
  );
}
