// Form definitions of the network resources; values are validated by the API's own valibot schemas ($worker).
import { DEVICE_STATUSES, DEVICE_TYPES } from '$worker/network/schemas/device';
import { CABLE_STATUSES, CABLE_TYPES } from '$worker/network/schemas/cable';
import { PORT_SPEEDS } from '$worker/network/schemas/port';
import { humanize } from '../format';
import { MOUNT_DEPTH_DEFAULTS, mountDepthFields } from '../mount-depth';
import { DEVICE_TYPE_FIELD } from '../resources';
import type { Option, Section, Values } from '../forms';
import type { Datacenter, Rack } from '../types';
import type { NetworkDevice, NetworkPort } from './types';

const enumOptions = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: humanize(v) }));

export const DEVICE_DEFAULTS: Values = {
  device_type: 'access_switch',
  u_size: '1',
  power_w: '0',
  status: 'active',
  ...MOUNT_DEPTH_DEFAULTS,
};

export function deviceSections(datacenters: Datacenter[], racks: Rack[]): Section[] {
  const dcName = new Map(datacenters.map((d) => [d.id, d.name]));
  return [
    {
      title: 'Identity',
      description: 'Device names are unique across the estate (compared without case).',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'ams1-leaf-01', mono: true },
        { name: 'device_type', label: 'Type', type: 'select', options: enumOptions(DEVICE_TYPES) },
        { name: 'manufacturer', label: 'Manufacturer', type: 'text', nullable: true, placeholder: 'Arista' },
        { name: 'model', label: 'Model', type: 'text', nullable: true, placeholder: '7050SX3-48YC8' },
        { name: 'serial_number', label: 'Serial number', type: 'text', nullable: true, mono: true },
        { name: 'status', label: 'Status', type: 'select', options: enumOptions(DEVICE_STATUSES) },
        DEVICE_TYPE_FIELD,
      ],
    },
    {
      title: 'Placement',
      description: "A network device takes U slots and power from the rack's budget, like a server.",
      fields: [
        {
          name: 'rack_id',
          label: 'Rack',
          type: 'select',
          numeric: true,
          required: true,
          emptyOption: 'Select a rack…',
          options: racks.map((r) => ({
            value: String(r.id),
            label: `${r.name} · ${dcName.get(r.datacenter_id) ?? ''}`,
          })),
          span: 2,
        },
        { name: 'u_position', label: 'U position', type: 'integer', required: true, help: 'lowest U it occupies' },
        { name: 'u_size', label: 'Height', type: 'integer', unit: 'U' },
        ...mountDepthFields(),
        { name: 'power_w', label: 'Allocated power', type: 'integer', unit: 'W' },
      ],
    },
    {
      title: 'Management',
      fields: [
        {
          name: 'management_ip',
          label: 'Management IP',
          type: 'text',
          nullable: true,
          mono: true,
          placeholder: '10.0.0.1',
        },
        { name: 'os_version', label: 'OS version', type: 'text', nullable: true, placeholder: 'EOS 4.31.2F' },
        { name: 'firmware_version', label: 'Firmware', type: 'text', nullable: true },
        { name: 'warranty_expires', label: 'Warranty until', type: 'date', nullable: true },
        { name: 'purchase_date', label: 'Purchased', type: 'date', nullable: true },
        { name: 'purchase_cost', label: 'Cost', type: 'number', unit: 'USD', nullable: true },
      ],
    },
  ];
}

export const speedOptions: Option[] = PORT_SPEEDS.map((s) => ({ value: s, label: s }));
export const cableTypeOptions = enumOptions(CABLE_TYPES);
export const cableStatusOptions = enumOptions(CABLE_STATUSES);

/** Label of a device in a remote-end picker. */
export const deviceLabel = (d: Pick<NetworkDevice, 'name' | 'rack_name'>) => `${d.name} · ${d.rack_name}`;

/** Free ports only: a cabled one would be refused by the API. */
export const freePortOptions = (ports: NetworkPort[]): Option[] =>
  ports.filter((p) => p.cable_id === null).map((p) => ({ value: String(p.id), label: `${p.name} (${p.speed})` }));
