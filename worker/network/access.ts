import { declareEntity } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';

// A network device is as secret as its rack; its ports as secret as the device; a cable as its A port (the cables
// list also hides a cable whose B port is out of sight: see cables.ts).
export const networkDeviceEntity = declareEntity({
  type: 'network_device',
  table: 'network_devices',
  zone: { via: rackEntity, column: 'rack_id' },
});
export const networkPortEntity = declareEntity({
  type: 'network_port',
  table: 'network_ports',
  zone: { via: networkDeviceEntity, column: 'device_id' },
});
export const networkCableEntity = declareEntity({
  type: 'network_cable',
  table: 'network_cables',
  zone: { via: networkPortEntity, column: 'a_port_id' },
});
