// Form definitions of the power chain (feeds, PDUs, supplies); values are checked with the API's valibot schemas.
import {
  FEED_PHASES,
  FEED_SIDES,
  FEED_SOURCES,
  FEED_STATUSES,
  FEED_SUPPLIES,
  FEED_TYPES,
} from '$worker/power/schemas/feed';
import { PDU_STATUSES } from '$worker/power/schemas/pdu';
import { DEVICE_KINDS } from '$worker/power/schemas/supply';
import { humanize } from '../format';
import { MOUNT_DEPTH_DEFAULTS, mountDepthFields } from '../mount-depth';
import type { Option, Section, Values } from '../forms';
import type { Datacenter, Rack } from '../types';
import type { PowerFeed } from './types';

const enumOptions = (values: readonly string[]): Option[] => values.map((v) => ({ value: v, label: humanize(v) }));

export function feedSections(datacenters: Datacenter[]): Section[] {
  return [
    {
      title: 'Feed',
      description: 'Where the feed comes from. Names are unique within a datacenter.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'UPS-A feed 1' },
        {
          name: 'datacenter_id',
          label: 'Datacenter',
          type: 'select',
          numeric: true,
          required: true,
          emptyOption: 'Select a datacenter…',
          options: datacenters.map((d) => ({ value: String(d.id), label: d.name })),
        },
        { name: 'panel', label: 'Panel', type: 'text', nullable: true, placeholder: 'MDB-1' },
        { name: 'source', label: 'Source', type: 'select', options: enumOptions(FEED_SOURCES) },
        { name: 'side', label: 'Side', type: 'select', options: FEED_SIDES },
        { name: 'feed_type', label: 'Type', type: 'select', options: enumOptions(FEED_TYPES) },
      ],
    },
    {
      title: 'Electrical',
      description: 'Capacity = V × A (× √3 for three-phase); usable = capacity derated to the maximum utilisation.',
      fields: [
        {
          name: 'supply',
          label: 'Supply',
          type: 'select',
          options: FEED_SUPPLIES.map((s) => ({ value: s, label: s.toUpperCase() })),
        },
        { name: 'phase', label: 'Phase', type: 'select', options: enumOptions(FEED_PHASES) },
        { name: 'voltage', label: 'Voltage', type: 'integer', unit: 'V' },
        { name: 'amperage', label: 'Amperage', type: 'integer', unit: 'A' },
        {
          name: 'max_utilization_pct',
          label: 'Max utilisation',
          type: 'integer',
          unit: '%',
          help: '80 % by the usual derating',
        },
        { name: 'status', label: 'Status', type: 'select', options: enumOptions(FEED_STATUSES) },
      ],
    },
  ];
}

export const FEED_DEFAULTS: Values = {
  source: 'utility',
  side: 'A',
  feed_type: 'primary',
  supply: 'ac',
  phase: 'single-phase',
  voltage: '230',
  amperage: '32',
  max_utilization_pct: '80',
  status: 'active',
};

export function pduSections(racks: Rack[], feeds: PowerFeed[]): Section[] {
  const dcOf = (values: Values) => racks.find((r) => String(r.id) === String(values.rack_id))?.datacenter_id;
  return [
    {
      title: 'Placement',
      description: 'The rack it is mounted in. Leave the U position empty for a zero-U (vertical) PDU.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'R01-PDU-A' },
        {
          name: 'rack_id',
          label: 'Rack',
          type: 'select',
          numeric: true,
          required: true,
          emptyOption: 'Select a rack…',
          options: racks.map((r) => ({ value: String(r.id), label: `${r.name} · ${r.datacenter_name}` })),
          onchange: (values) => {
            values.feed_id = '';
          },
        },
        { name: 'u_position', label: 'U position', type: 'integer', nullable: true, help: 'Empty: zero-U' },
        { name: 'u_size', label: 'Height', type: 'integer', unit: 'U' },
        ...mountDepthFields(),
      ],
    },
    {
      title: 'Power',
      description: "The feed must be one of the rack's datacenter.",
      fields: [
        {
          name: 'feed_id',
          label: 'Feed',
          type: 'select',
          numeric: true,
          nullable: true,
          emptyOption: 'Not connected',
          options: (values) =>
            feeds
              .filter((f) => f.datacenter_id === dcOf(values))
              .map((f) => ({ value: String(f.id), label: `${f.name} (side ${f.side})` })),
        },
        { name: 'capacity_kw', label: 'Rating', type: 'number', unit: 'kW', required: true },
        { name: 'outlets', label: 'Outlets', type: 'integer' },
        { name: 'status', label: 'Status', type: 'select', options: enumOptions(PDU_STATUSES) },
      ],
    },
    {
      title: 'Hardware',
      fields: [
        { name: 'manufacturer', label: 'Manufacturer', type: 'text', nullable: true },
        { name: 'model', label: 'Model', type: 'text', nullable: true },
        { name: 'management_ip', label: 'Management IP', type: 'text', nullable: true, mono: true },
      ],
    },
  ];
}

export const PDU_DEFAULTS: Values = {
  u_size: '1',
  outlets: '24',
  capacity_kw: '7.4',
  status: 'active',
  ...MOUNT_DEPTH_DEFAULTS,
};

export interface PluggableDevice {
  kind: string;
  id: number;
  name: string;
}

/** Adding a supply from a PDU's page: the devices of its rack, and its free outlets. */
export function supplySections(devices: PluggableDevice[], freeOutlets: number[]): Section[] {
  return [
    {
      title: 'Power supply',
      description: 'A device of this rack plugged into one of its outlets.',
      fields: [
        { name: 'device_kind', label: 'Kind', type: 'select', options: enumOptions(DEVICE_KINDS) },
        {
          name: 'device_id',
          label: 'Device',
          type: 'select',
          numeric: true,
          required: true,
          emptyOption: 'Select a device…',
          options: (values) =>
            devices.filter((d) => d.kind === values.device_kind).map((d) => ({ value: String(d.id), label: d.name })),
        },
        { name: 'name', label: 'PSU name', type: 'text', placeholder: 'PSU1' },
        {
          name: 'outlet',
          label: 'Outlet',
          type: 'select',
          numeric: true,
          nullable: true,
          emptyOption: 'Not recorded',
          options: freeOutlets.map((o) => ({ value: String(o), label: String(o) })),
        },
        { name: 'max_draw_w', label: 'PSU rating', type: 'integer', unit: 'W', nullable: true },
      ],
    },
  ];
}
