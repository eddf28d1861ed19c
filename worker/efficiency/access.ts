// Efficiency declares no entity of its own: it reads racks, servers and VMs, each scoped by its own declaration,
// so a rack above the caller's clearance never shows up in a recommendation, a chart or a suggested move.
import type { SQL } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { rackEntity, serverEntity } from '../dcim/access';
import { vmEntity } from '../virtualization/access';

type Who = Pick<ServiceContext, 'actor'>;

export const andRackVisible = (ctx: Who, alias: string): SQL => andVisible(ctx, rackEntity, alias);
export const andServerVisible = (ctx: Who, alias: string): SQL => andVisible(ctx, serverEntity, alias);
export const andVmVisible = (ctx: Who, alias: string): SQL => andVisible(ctx, vmEntity, alias);
