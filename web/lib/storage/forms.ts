// Form definitions of storage systems: which fields, how they are grouped, which controls. The values are
// validated by the API's own valibot schemas (worker/storage/schemas), imported by the pages.
import {
  RAID_LEVELS,
  REPLICATION_MODES,
  STORAGE_PROTOCOLS,
  STORAGE_STATUSES,
  STORAGE_TYPES,
} from '$worker/storage/schemas/storage-system';
import { raidLayout } from '$worker/storage/raid';
import { humanize } from '../format';
import { DEVICE_TYPE_FIELD } from '../resources';
import { MOUNT_DEPTH_DEFAULTS, mountDepthFields } from '../mount-depth';
import type { Option, Section, Values } from '../forms';
import type { Datacenter, Rack } from '../types';

const enumOptions = (values: readonly string[], label = humanize): Option[] =>
  values.map((v) => ({ value: v, label: label(v) }));

/** What the layout in the form gives, in words, before the API is asked (it computes the same). */
function layoutHint(values: Values): string | undefined {
  const n = Number(values.disk_count);
  const raw = Number(values.raw_capacity_tb);
  if (!values.disk_count || !values.raw_capacity_tb || !Number.isFinite(n) || !Number.isFinite(raw)) return undefined;
  const l = raidLayout(String(values.raid_level || '6'), n, raw);
  return l.ok ? `${l.layout.usable_tb} TB usable · ${l.layout.explanation}` : l.errors[0]!.message;
}

export interface StorageFormContext {
  datacenters: Datacenter[];
  racks: Rack[];
}

export function storageSections(ctx: StorageFormContext): Section[] {
  const rackOptions = (values: Values): Option[] =>
    ctx.racks
      .filter((r) => String(r.datacenter_id) === String(values.datacenter_id ?? ''))
      .map((r) => ({ value: String(r.id), label: r.name }));
  return [
    {
      title: 'Identity',
      description: 'Names are unique across the estate.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'ams1-san-01', mono: true },
        { name: 'storage_type', label: 'Type', type: 'select', options: STORAGE_TYPES },
        { name: 'manufacturer', label: 'Manufacturer', type: 'text', nullable: true, placeholder: 'NetApp' },
        { name: 'model', label: 'Model', type: 'text', nullable: true, placeholder: 'AFF A400' },
        { name: 'serial_number', label: 'Serial number', type: 'text', nullable: true, mono: true },
        { name: 'status', label: 'Status', type: 'select', options: enumOptions(STORAGE_STATUSES) },
        DEVICE_TYPE_FIELD,
      ],
    },
    {
      title: 'Placement',
      description:
        'In a rack it takes U slots and power like a server; without a rack it is attached to the datacenter.',
      fields: [
        {
          name: 'datacenter_id',
          label: 'Datacenter',
          type: 'select',
          numeric: true,
          required: true,
          emptyOption: 'Select a datacenter…',
          options: ctx.datacenters.map((d) => ({ value: String(d.id), label: d.name })),
          onchange: (values) => {
            const rack = ctx.racks.find((r) => String(r.id) === values.rack_id);
            if (rack && String(rack.datacenter_id) !== values.datacenter_id) values.rack_id = '';
          },
        },
        {
          name: 'rack_id',
          label: 'Rack',
          type: 'select',
          numeric: true,
          nullable: true,
          emptyOption: 'No rack (attached to the datacenter)',
          options: rackOptions,
          onchange: (values) => {
            if (!values.rack_id) values.u_position = '';
          },
        },
        {
          name: 'u_position',
          label: 'Position (lowest U)',
          type: 'integer',
          nullable: true,
          placeholder: '1',
          help: 'Required in a rack',
          disabled: (values) => !values.rack_id,
        },
        { name: 'u_size', label: 'Height', type: 'integer', unit: 'U', help: '1 to 20 rack units' },
        ...mountDepthFields().map((f) => ({ ...f, disabled: (values: Values) => !values.rack_id })),
        {
          name: 'power_w',
          label: 'Power draw',
          type: 'integer',
          unit: 'W',
          help: 'Allocated against the rack power budget',
        },
      ],
    },
    {
      title: 'Capacity',
      description: 'Usable capacity is computed from the RAID level, the disk count and the raw capacity.',
      fields: [
        {
          name: 'raid_level',
          label: 'RAID level',
          type: 'select',
          options: RAID_LEVELS.map((l) => ({ value: l, label: `RAID ${l}` })),
        },
        { name: 'disk_count', label: 'Disks', type: 'integer', required: true, placeholder: '12' },
        {
          name: 'raw_capacity_tb',
          label: 'Raw capacity',
          type: 'number',
          unit: 'TB',
          required: true,
          placeholder: '120',
          help: layoutHint,
          span: 2,
        },
        { name: 'used_tb', label: 'Used', type: 'number', unit: 'TB', help: 'At most the usable capacity' },
        {
          name: 'protocol',
          label: 'Protocol',
          type: 'select',
          emptyOption: '—',
          nullable: true,
          options: STORAGE_PROTOCOLS,
        },
      ],
    },
    {
      title: 'Protection',
      description: 'Replication needs a target; encryption is at rest.',
      fields: [
        { name: 'replication_mode', label: 'Replication', type: 'select', options: enumOptions(REPLICATION_MODES) },
        {
          name: 'replication_target',
          label: 'Replication target',
          type: 'text',
          nullable: true,
          placeholder: 'fra1-san-01',
          disabled: (values) => !values.replication_mode || values.replication_mode === 'none',
        },
        { name: 'encryption', label: 'Encrypted at rest', type: 'checkbox' },
      ],
    },
    {
      title: 'Management & lifecycle',
      fields: [
        { name: 'management_ip', label: 'Management IP', type: 'text', nullable: true, mono: true },
        { name: 'firmware_version', label: 'Firmware', type: 'text', nullable: true, mono: true },
        { name: 'purchase_date', label: 'Purchased', type: 'date', nullable: true },
        { name: 'warranty_expires', label: 'Warranty until', type: 'date', nullable: true },
        { name: 'purchase_cost', label: 'Purchase cost', type: 'number', unit: 'USD', nullable: true },
      ],
    },
  ];
}

export const STORAGE_DEFAULTS = {
  storage_type: 'SAN',
  raid_level: '6',
  u_size: '2',
  power_w: '0',
  used_tb: '0',
  replication_mode: 'none',
  status: 'active',
  ...MOUNT_DEPTH_DEFAULTS,
};

/** The live metrics of a storage system, as its telemetry names them (labelled device=<system name>). */
export const STORAGE_METRICS = [
  'storage_read_iops',
  'storage_write_iops',
  'storage_read_mbps',
  'storage_write_mbps',
  'storage_latency_ms',
] as const;
