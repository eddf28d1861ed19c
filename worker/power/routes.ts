import * as v from 'valibot';
import { eq } from 'drizzle-orm';
import type { Api } from '../platform/http/api';
import { mountResource } from '../platform/http/resource';
import { notFound } from '../platform/http/problem';
import { queryId } from '../platform/schemas/common';
import { powerFeeds } from './tables';
import { feedsResource } from './feeds';
import { pdusResource } from './pdus';
import { suppliesResource } from './supplies';
import { loadSiteChain, measuredKw } from './chain-data';
import { chainTree, impactAnswer } from './chain';
import { feedImpact } from './impact';
import { PowerChain, PowerImpact } from './schemas/chain';

export function mountPower(api: Api) {
  mountResource(api, feedsResource);
  mountResource(api, pdusResource);
  mountResource(api, suppliesResource);

  api.op(
    {
      method: 'get',
      path: '/power/chain',
      summary: "A datacenter's power chain: feeds -> PDUs -> supplies -> devices, with capacities and allocations",
      description:
        "Per rack: what the A and B sides can deliver (each PDU: min(its rating, its feed's usable kW shared over " +
        "the feed's PDUs)), the redundant capacity min(A, B), the rack budget, allocated and measured power. " +
        "PDUs, supplies and devices in racks above the caller's clearance are absent.",
      tags: ['Power'],
      access: 'inventory:read',
      query: v.object({ datacenter_id: queryId('datacenter') }),
      responses: [
        { status: 200, description: 'The chain', schema: PowerChain, name: 'PowerChain' },
        { status: 404, description: 'No such datacenter' },
      ],
    },
    async (c, { ctx, query }) => {
      const site = await loadSiteChain(ctx, query.datacenter_id);
      return c.json(chainTree(site, await measuredKw(ctx, site.datacenter.id)));
    },
  );

  api.op(
    {
      method: 'get',
      path: '/power/impact',
      summary: 'If this feed fails: which devices lose all power, which lose redundancy, and what load shifts where',
      description:
        '`lost`: every supply on the feed (or on feeds already offline); `degraded`: keeps a live supply; ' +
        '`uncertain`: the rest of its supplies are on PDUs without a feed; `unmodelled`: devices with no supply ' +
        'recorded in the racks the failure touches. `feeds` and `pdus`: surviving ones with the load the degraded ' +
        'devices move onto them, flagged `overloaded` above their usable capacity. Only what the caller may see.',
      tags: ['Power'],
      access: 'inventory:read',
      query: v.object({ feed_id: queryId('power feed') }),
      responses: [
        { status: 200, description: 'The impact', schema: PowerImpact, name: 'PowerImpact' },
        { status: 404, description: 'No such feed' },
      ],
    },
    async (c, { ctx, query }) => {
      const feed = await ctx.db
        .select({ datacenter_id: powerFeeds.datacenter_id })
        .from(powerFeeds)
        .where(eq(powerFeeds.id, query.feed_id))
        .get();
      if (!feed) throw notFound('Power feed', query.feed_id);
      const site = await loadSiteChain(ctx, feed.datacenter_id);
      return c.json(impactAnswer(site, feedImpact(site, query.feed_id)));
    },
  );
}
