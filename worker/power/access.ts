import { declareEntity } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';

// Feeds belong to a datacenter, which has no zone: they are declared as no entity and seen by everyone with
// inventory:read. A PDU is as secret as its rack; a power supply as secret as the PDU it plugs into (and a supply
// only plugs into a PDU of its device's own rack, so that is the device's zone too).
export const pduEntity = declareEntity({ type: 'pdu', table: 'pdus', zone: { via: rackEntity, column: 'rack_id' } });
export const powerSupplyEntity = declareEntity({
  type: 'power_supply',
  table: 'power_supplies',
  zone: { via: pduEntity, column: 'pdu_id' },
});
