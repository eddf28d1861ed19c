import { declareEntity } from '../platform/access/entities';

// An object in a zone above the caller's clearance does not exist for them (absent from lists, counts and
// figures; 404 when asked for). Racks carry the zone; servers, and everything later hosted on them, inherit it.
export const rackEntity = declareEntity({ type: 'rack', table: 'racks', zone: { column: 'security_zone' } });
export const serverEntity = declareEntity({
  type: 'server',
  table: 'servers',
  zone: { via: rackEntity, column: 'rack_id' },
});
