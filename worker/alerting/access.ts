import { declareEntity } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';

// An alert is as secret as the rack it is about (its device's rack). Alerts about no rack (site-wide checks,
// Alertmanager alerts matched to no device) carry none and are seen by callers cleared for every zone.
export const alertEntity = declareEntity({
  type: 'alert',
  table: 'alerts',
  zone: { via: rackEntity, column: 'rack_id' },
});

// A maintenance window is as secret as the rack it is on (a server's, or the rack itself); one on a whole
// datacenter has no rack and is seen by everyone who reads maintenance.
export const maintenanceEntity = declareEntity({
  type: 'maintenance_window',
  table: 'maintenance_windows',
  zone: { via: rackEntity, column: 'rack_id', openWhenNull: true },
});

// An incident is as secret as its rack; one about a whole datacenter (or opened by hand about no rack) is seen by
// everyone who reads incidents.
export const incidentEntity = declareEntity({
  type: 'incident',
  table: 'incidents',
  zone: { via: rackEntity, column: 'rack_id', openWhenNull: true },
});
