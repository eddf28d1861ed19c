import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { IdParams, mountResource } from '../platform/http/resource';
import { vlansResource } from './vlans';
import { prefixesResource } from './prefixes';
import { ipAddressesResource } from './ip-addresses';
import { allocate, availableIps, availablePrefixes } from './available';
import { ipamSummary } from './summary';
import { AllocateBody, AvailableIp, AvailablePrefix, AvailableQuery, IpamSummary } from './schemas/available';
import { IpAddress } from './schemas/ip-address';

export function mountIpam(api: Api) {
  mountResource(api, vlansResource);
  mountResource(api, prefixesResource);
  mountResource(api, ipAddressesResource);

  api.op(
    {
      method: 'get',
      path: '/ipam/prefixes/{id}/available-ips',
      summary: 'The next free addresses of a prefix, in order, with its mask (IPv4 network and broadcast left out)',
      tags: ['IPAM'],
      access: 'inventory:read',
      params: IdParams,
      query: AvailableQuery,
      responses: [
        {
          status: 200,
          description: 'Free addresses (up to limit, default 50)',
          schema: v.array(AvailableIp),
          name: 'AvailableIps',
        },
        { status: 404, description: 'No such prefix' },
      ],
    },
    async (c, { ctx, params, query }) => c.json(await availableIps(ctx, params.id, query.limit ?? 50)),
  );

  api.op(
    {
      method: 'post',
      path: '/ipam/prefixes/{id}/available-ips',
      summary: 'Allocate the next free address(es) of a prefix with the given assignment and details, atomically',
      description:
        'Two concurrent allocations never get the same address: the loser moves on to the next free one. 409 when ' +
        'the prefix has fewer free addresses than `count`.',
      tags: ['IPAM'],
      access: 'inventory:write',
      params: IdParams,
      body: AllocateBody,
      responses: [
        {
          status: 201,
          description: 'The created addresses',
          schema: v.array(IpAddress),
          name: 'AllocatedIpAddresses',
        },
        { status: 404, description: 'No such prefix' },
        { status: 409, description: 'The prefix is full' },
        { status: 422, description: 'Invalid fields' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await allocate(ctx, params.id, body), 201),
  );

  api.op(
    {
      method: 'get',
      path: '/ipam/prefixes/{id}/available-prefixes',
      summary: 'Free blocks of a prefix: the gaps its child prefixes leave, as the largest aligned CIDR blocks',
      tags: ['IPAM'],
      access: 'inventory:read',
      params: IdParams,
      query: AvailableQuery,
      responses: [
        {
          status: 200,
          description: 'Free blocks (up to limit, default 50)',
          schema: v.array(AvailablePrefix),
          name: 'AvailablePrefixes',
        },
        { status: 404, description: 'No such prefix' },
      ],
    },
    async (c, { ctx, params, query }) => c.json(await availablePrefixes(ctx, params.id, query.limit ?? 50)),
  );

  api.op(
    {
      method: 'get',
      path: '/ipam/summary',
      summary: 'Per datacenter: prefixes, VLANs, addresses and how full its IPv4 networks are',
      tags: ['IPAM'],
      access: 'inventory:read',
      responses: [{ status: 200, description: 'The summary', schema: IpamSummary, name: 'IpamSummary' }],
    },
    async (c, { ctx }) => c.json(await ipamSummary(ctx)),
  );
}
