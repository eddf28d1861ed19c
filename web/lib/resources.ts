// Form definitions of the inventory resources: which fields, how they are grouped, which controls.
// The values are validated by the API's own valibot schemas (imported from $worker by the pages).
import { CHANNEL_KINDS } from '$worker/alerting/schemas/notifications';
import { APPROVALS, TARGET_TYPES } from '$worker/alerting/schemas/maintenance';
import { SECURITY_ZONES } from '$worker/platform/schemas/common';
import { CERTIFICATIONS, DATACENTER_STATUSES, TIERS } from '$worker/dcim/schemas/datacenter';
import { COOLING_TYPES, RACK_STATUSES } from '$worker/dcim/schemas/rack';
import { SERVER_HEALTH, SERVER_STATUSES, SERVER_TYPES } from '$worker/dcim/schemas/server';
import {
  INVENTORY_CHECKS,
  RULE_AGGREGATES,
  RULE_COMPARISONS,
  RULE_KINDS,
  SCOPE_TYPES,
  SEVERITIES,
} from '$worker/alerting/schemas/alert-rule';
import { HYPERVISORS, NETWORK_TYPES, REGISTERED_STATUSES } from '$worker/virtualization/schemas/vm';
import { humanize } from './format';
import { MOUNT_DEPTH_DEFAULTS, mountDepthFields } from './mount-depth';
import type { FieldSpec, Option, Section, Values } from './forms';
import type { Datacenter, Elevation, Rack } from './types';

/** The template a device was made from: set by the device-type picker above the sections, not typed. */
export const DEVICE_TYPE_FIELD: FieldSpec = {
  name: 'device_type_id',
  label: 'Device type',
  type: 'integer',
  nullable: true,
  hidden: true,
};

const enumOptions = (values: readonly string[], label = humanize): Option[] =>
  values.map((v) => ({ value: v, label: label(v) }));

export const datacenterSections: Section[] = [
  {
    title: 'General',
    description: 'How the site is named and where it is. Names are unique across the estate.',
    fields: [
      { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'DC-AMS-1', span: 2 },
      {
        name: 'location',
        label: 'Location',
        type: 'text',
        placeholder: 'Schiphol-Rijk, Amsterdam, Netherlands',
        nullable: true,
        span: 2,
      },
      { name: 'tier', label: 'Uptime tier', type: 'select', options: TIERS },
      { name: 'status', label: 'Status', type: 'select', options: enumOptions(DATACENTER_STATUSES) },
    ],
  },
  {
    title: 'Capacity & efficiency',
    description: 'Facility-level design figures. They drive the weighted PUE on the dashboard.',
    fields: [
      { name: 'total_space_sqm', label: 'White space', type: 'number', unit: 'm²', nullable: true },
      { name: 'power_capacity_mw', label: 'Power capacity', type: 'number', unit: 'MW', nullable: true },
      { name: 'cooling_capacity_mw', label: 'Cooling capacity', type: 'number', unit: 'MW', nullable: true },
      {
        name: 'pue_target',
        label: 'PUE target',
        type: 'number',
        nullable: true,
        placeholder: '1.35',
        help: 'Design PUE, from 1.0 to 3.0',
      },
    ],
  },
  {
    title: 'Compliance',
    description: 'Certifications and attestations the site holds.',
    fields: [{ name: 'certifications', label: 'Certifications', type: 'checkboxes', options: CERTIFICATIONS }],
  },
];

export const DATACENTER_DEFAULTS: Values = { tier: 'Tier 3', status: 'active', certifications: [] };

export function rackSections(datacenters: Datacenter[]): Section[] {
  return [
    {
      title: 'Placement',
      description: 'Which site the rack stands in and where on the floor. Names are unique within a datacenter.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'AMS1-A01' },
        {
          name: 'datacenter_id',
          label: 'Datacenter',
          type: 'select',
          numeric: true,
          required: true,
          emptyOption: 'Select a datacenter…',
          options: datacenters.map((d) => ({ value: String(d.id), label: d.name })),
        },
        {
          name: 'location',
          label: 'Location',
          type: 'text',
          nullable: true,
          span: 2,
          placeholder: 'Hall 1, Row A, Position 1',
        },
        { name: 'row', label: 'Row', type: 'text', nullable: true, placeholder: 'A' },
        { name: 'position', label: 'Position in row', type: 'integer', nullable: true, placeholder: '1' },
      ],
    },
    {
      title: 'Capacity',
      description: 'Usable rack units and the power budget servers are allocated against.',
      fields: [
        { name: 'u_capacity', label: 'Height', type: 'integer', unit: 'U', help: '1 to 52 rack units' },
        { name: 'power_capacity_kw', label: 'Power budget', type: 'number', unit: 'kW' },
        { name: 'cooling_type', label: 'Cooling', type: 'select', options: COOLING_TYPES, span: 2 },
      ],
    },
    {
      title: 'Security & lifecycle',
      description: 'The zone decides who may see the rack and what it holds.',
      fields: [
        { name: 'security_zone', label: 'Security zone', type: 'select', options: SECURITY_ZONES },
        { name: 'status', label: 'Status', type: 'select', options: enumOptions(RACK_STATUSES) },
      ],
    },
  ];
}

export const RACK_DEFAULTS: Values = {
  u_capacity: '42',
  power_capacity_kw: '10',
  cooling_type: 'Air Cooling',
  security_zone: 'Internal',
  status: 'active',
};

const span = (from: number, to: number) => (from === to ? `U${from}` : `U${from}–U${to}`);

/** "Free: U11–U42 (32U), U4 · 8.2 of 10 kW allocated" for the chosen rack. */
export function placementHint(el: Elevation | null, rackLoading: boolean): string | undefined {
  if (rackLoading) return 'Checking free slots…';
  if (!el) return 'Pick a rack to see its free slots';
  if (el.free_u === 0) return `${el.rack.name} is full`;
  const ranges = el.free_ranges
    .slice(0, 3)
    .map((r) => `${span(r.from, r.to)} (${r.size}U)`)
    .join(', ');
  return `Free in ${el.rack.name}: ${ranges}${el.free_ranges.length > 3 ? ', …' : ''}`;
}

export function powerHint(el: Elevation | null): string | undefined {
  if (!el) return undefined;
  const kw = (w: number) => (w / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 });
  return `${kw(el.power.allocated_w)} of ${kw(el.power.capacity_w)} kW allocated in ${el.rack.name}`;
}

export interface ServerFormContext {
  datacenters: Datacenter[];
  racks: Rack[];
  elevation: () => Elevation | null;
  elevationLoading: () => boolean;
  onRackChange: (rackId: string) => void;
}

export function serverSections(ctx: ServerFormContext): Section[] {
  const dcName = new Map(ctx.datacenters.map((d) => [d.id, d.name]));
  const rackOptions = (values: Values): Option[] =>
    ctx.racks
      .filter((r) => !values._datacenter || String(r.datacenter_id) === values._datacenter)
      .map((r) => ({
        value: String(r.id),
        label: values._datacenter ? r.name : `${r.name} · ${dcName.get(r.datacenter_id) ?? ''}`,
      }));
  const rackField: FieldSpec = {
    name: 'rack_id',
    label: 'Rack',
    type: 'select',
    numeric: true,
    required: true,
    emptyOption: 'Select a rack…',
    options: rackOptions,
    onchange: (values) => ctx.onRackChange(String(values.rack_id ?? '')),
  };
  return [
    {
      title: 'Identity',
      description: 'Hostname and serial number are unique across the estate.',
      fields: [
        { name: 'name', label: 'Hostname', type: 'text', required: true, placeholder: 'ams1-web-001', mono: true },
        {
          name: 'serial_number',
          label: 'Serial number',
          type: 'text',
          required: true,
          placeholder: 'CZ92904Q3L',
          mono: true,
        },
        { name: 'server_type', label: 'Type', type: 'select', options: SERVER_TYPES },
        { name: 'manufacturer', label: 'Manufacturer', type: 'text', nullable: true, placeholder: 'Dell' },
        { name: 'model', label: 'Model', type: 'text', nullable: true, placeholder: 'PowerEdge R660', span: 2 },
        DEVICE_TYPE_FIELD,
      ],
    },
    {
      title: 'Placement',
      description: 'The rack and the lowest U the server occupies. Slots and the power budget are checked.',
      fields: [
        {
          name: '_datacenter',
          label: 'Datacenter',
          type: 'select',
          virtual: true,
          emptyOption: 'All datacenters',
          options: ctx.datacenters.map((d) => ({ value: String(d.id), label: d.name })),
          onchange: (values) => {
            const rack = ctx.racks.find((r) => String(r.id) === values.rack_id);
            if (rack && values._datacenter && String(rack.datacenter_id) !== values._datacenter) {
              values.rack_id = '';
              ctx.onRackChange('');
            }
          },
        },
        rackField,
        {
          name: 'u_position',
          label: 'Position (lowest U)',
          type: 'integer',
          required: true,
          placeholder: '1',
          help: () => placementHint(ctx.elevation(), ctx.elevationLoading()),
        },
        { name: 'u_size', label: 'Height', type: 'integer', unit: 'U', help: '1 to 10 rack units' },
        ...mountDepthFields(),
        {
          name: 'power_supply_w',
          label: 'Power draw',
          type: 'integer',
          unit: 'W',
          span: 2,
          help: () => powerHint(ctx.elevation()) ?? 'Allocated against the rack power budget',
        },
      ],
    },
    {
      title: 'Hardware',
      fields: [
        { name: 'cpu_model', label: 'CPU model', type: 'text', nullable: true, span: 2 },
        { name: 'cpu_cores', label: 'CPU cores', type: 'integer', nullable: true },
        { name: 'ram_gb', label: 'Memory', type: 'integer', unit: 'GB', nullable: true },
        { name: 'storage_tb', label: 'Storage', type: 'number', unit: 'TB', nullable: true },
        { name: 'os', label: 'Operating system', type: 'text', nullable: true, placeholder: 'Ubuntu 24.04 LTS' },
      ],
    },
    {
      title: 'Network',
      description: 'IPv4 or IPv6 addresses.',
      fields: [
        {
          name: 'ip_address',
          label: 'IP address',
          type: 'text',
          nullable: true,
          mono: true,
          placeholder: '10.0.0.10',
        },
        {
          name: 'management_ip',
          label: 'Management IP (BMC)',
          type: 'text',
          nullable: true,
          mono: true,
          placeholder: '10.128.0.10',
        },
      ],
    },
    {
      title: 'Lifecycle',
      description: 'Status, health and the purchase and warranty dates.',
      fields: [
        { name: 'status', label: 'Status', type: 'select', options: enumOptions(SERVER_STATUSES) },
        { name: 'health', label: 'Health', type: 'select', options: enumOptions(SERVER_HEALTH) },
        { name: 'purchase_date', label: 'Purchased', type: 'date', nullable: true },
        { name: 'warranty_expires', label: 'Warranty expires', type: 'date', nullable: true },
        { name: 'purchase_cost', label: 'Purchase cost', type: 'number', unit: 'USD', nullable: true },
      ],
    },
  ];
}

export const SERVER_DEFAULTS: Values = {
  server_type: 'Compute',
  u_size: '1',
  power_supply_w: '500',
  status: 'active',
  health: 'healthy',
  ...MOUNT_DEPTH_DEFAULTS,
};

const isInventory = (v: Values) => v.kind === 'inventory';
export const alertRuleSections: Section[] = [
  {
    title: 'Rule',
    description: 'What the alert is called, how urgent it is, and what it says. Names are unique.',
    fields: [
      { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'GPU hot', span: 2 },
      { name: 'kind', label: 'Kind', type: 'select', options: enumOptions(RULE_KINDS) },
      { name: 'severity', label: 'Severity', type: 'select', options: enumOptions(SEVERITIES) },
      {
        name: 'message',
        label: 'Message',
        type: 'textarea',
        span: 2,
        help: 'Placeholders: {{device}}, {{rack}}, {{metric}}, {{value}}, {{threshold}}, {{rule}}, {{severity}}.',
      },
      { name: 'description', label: 'Description', type: 'textarea', nullable: true, span: 2 },
    ],
  },
  {
    title: 'Condition',
    description:
      'Evaluated in the rack on every sample: the aggregate over the window is compared with the threshold; it must ' +
      'hold for the whole "for" duration before the alert fires, and once firing it clears only past the clear ' +
      'threshold (no flapping at the limit).',
    fields: [
      {
        name: 'metric',
        label: 'Metric',
        type: 'text',
        mono: true,
        placeholder: 'inlet_temp_c',
        nullable: true,
        disabled: isInventory,
      },
      {
        name: 'aggregate',
        label: 'Aggregate',
        type: 'select',
        options: enumOptions(RULE_AGGREGATES),
        disabled: isInventory,
      },
      { name: 'window_s', label: 'Window', type: 'integer', unit: 's', disabled: isInventory },
      { name: 'comparison', label: 'Comparison', type: 'select', options: RULE_COMPARISONS },
      { name: 'threshold', label: 'Threshold', type: 'number', step: 'any' },
      { name: 'clear_threshold', label: 'Clear threshold', type: 'number', step: 'any', nullable: true },
      { name: 'for_s', label: 'For', type: 'integer', unit: 's', help: 'Pending until it held this long.' },
      { name: 'keep_firing_for_s', label: 'Keep firing for', type: 'integer', unit: 's' },
      {
        name: 'inventory_check',
        label: 'Inventory check',
        type: 'select',
        options: enumOptions(INVENTORY_CHECKS),
        emptyOption: '—',
        nullable: true,
        disabled: (v) => v.kind !== 'inventory',
      },
    ],
  },
  {
    title: 'Scope',
    description: 'Where the rule applies: everywhere, or one datacenter, rack, server type or server (by id or type).',
    fields: [
      { name: 'scope_type', label: 'Scope', type: 'select', options: enumOptions(SCOPE_TYPES) },
      {
        name: 'scope_value',
        label: 'Scope value',
        type: 'text',
        nullable: true,
        placeholder: 'id, or a server type',
        disabled: (v) => v.scope_type === 'all',
      },
    ],
  },
];
export const ALERT_RULE_DEFAULTS: Values = {
  kind: 'metric',
  severity: 'warning',
  aggregate: 'last',
  window_s: 0,
  comparison: '>',
  threshold: 0,
  for_s: 0,
  keep_firing_for_s: 0,
  scope_type: 'all',
  message: '{{device}} {{metric}} {{value}} > {{threshold}}',
};

export const channelSections: Section[] = [
  {
    title: 'Channel',
    description:
      'Where notifications go. A webhook gets our JSON signed with HMAC-SHA256 (X-DCP-Signature over ' +
      '"<X-DCP-Timestamp>.<body>"); an Alertmanager channel gets the Alertmanager webhook payload (version 4), so ' +
      'tools that consume Alertmanager webhooks need no change; Slack gets an incoming-webhook message.',
    fields: [
      { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'NOC on-call webhook', span: 2 },
      { name: 'kind', label: 'Kind', type: 'select', options: enumOptions(CHANNEL_KINDS) },
      {
        name: 'url',
        label: 'URL',
        type: 'text',
        mono: true,
        nullable: true,
        placeholder: 'https://hooks.example.com/dc-platform',
        disabled: (v) => v.kind === 'email',
      },
      {
        name: 'email_to',
        label: 'Email to',
        type: 'text',
        nullable: true,
        placeholder: 'noc@example.com, lead@example.com',
        disabled: (v) => v.kind !== 'email',
        span: 2,
      },
      {
        name: 'secret',
        label: 'Signing secret',
        type: 'text',
        mono: true,
        nullable: true,
        autocomplete: 'off',
        placeholder: 'at least 16 characters',
        help: 'Webhooks only. Write-only: stored sealed, never shown again; leave empty to keep the current one.',
        disabled: (v) => v.kind !== 'webhook',
        span: 2,
      },
      { name: 'description', label: 'Description', type: 'textarea', nullable: true, span: 2 },
    ],
  },
];
export const CHANNEL_DEFAULTS: Values = { kind: 'webhook' };

export interface MaintenanceTargets {
  datacenters: { id: number; name: string }[];
  racks: { id: number; name: string }[];
  servers: { id: number; name: string }[];
}

/** The maintenance form; the target picker lists the objects of the chosen kind (loaded by the page). */
export function maintenanceSections(targets: () => MaintenanceTargets): Section[] {
  return [
    {
      title: 'Window',
      description:
        'Planned work. While an approved window is active, alerts on its target are kept as suppressed (not sent, ' +
        'not escalated); those still open when it ends fire then. Overlapping windows on the same target are shown.',
      fields: [
        { name: 'title', label: 'Title', type: 'text', required: true, placeholder: 'Replace PSU B', span: 2 },
        {
          name: 'target_type',
          label: 'Target',
          type: 'select',
          options: enumOptions(TARGET_TYPES),
          onchange: (v) => (v.target_id = ''),
        },
        {
          name: 'target_id',
          label: 'Which',
          type: 'select',
          numeric: true,
          required: true,
          emptyOption: 'Choose…',
          options: (v) => {
            const t = targets();
            const list = v.target_type === 'server' ? t.servers : v.target_type === 'rack' ? t.racks : t.datacenters;
            return list.map((o) => ({ value: String(o.id), label: o.name }));
          },
        },
        { name: 'starts_at', label: 'Starts', type: 'datetime', required: true },
        { name: 'ends_at', label: 'Ends', type: 'datetime', required: true },
        { name: 'owner', label: 'Owner', type: 'text', nullable: true, placeholder: 'defaults to you' },
        { name: 'approval', label: 'Approval', type: 'select', options: enumOptions(APPROVALS) },
        {
          name: 'set_maintenance_status',
          label: 'Server status',
          type: 'checkbox',
          placeholder: 'Switch the active servers to "maintenance" for the window',
          span: 2,
        },
        { name: 'reason', label: 'Reason', type: 'textarea', nullable: true, span: 2 },
      ],
    },
  ];
}

export interface VmHosts {
  hosts: { id: number; name: string; datacenter_name: string; cpu_cores: number | null; ram_gb: number | null }[];
}

/** A VM: on create the host is chosen (afterwards it changes by migration only) and its current state recorded. */
export function vmSections(ctx: VmHosts, creating: boolean): Section[] {
  return [
    {
      title: 'Identity',
      description: 'Names are unique across the estate. The owner and the anti-affinity group are free text.',
      fields: [
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'vm-web-app-01', mono: true },
        { name: 'hypervisor', label: 'Hypervisor', type: 'select', options: enumOptions(HYPERVISORS, String) },
        { name: 'os', label: 'Operating system', type: 'text', nullable: true, placeholder: 'Ubuntu 22.04' },
        { name: 'owner', label: 'Owner', type: 'text', nullable: true, placeholder: 'team-web' },
        {
          name: 'anti_affinity_group',
          label: 'Anti-affinity group',
          type: 'text',
          nullable: true,
          placeholder: 'web-frontends',
          help: 'VMs of one group never share a host',
        },
        ...(creating
          ? [
              {
                name: 'status',
                label: 'Current state',
                type: 'select',
                options: enumOptions(REGISTERED_STATUSES),
                help: 'What the VM is doing now, if it already exists',
              } satisfies FieldSpec,
            ]
          : []),
      ],
    },
    {
      title: 'Resources',
      description: creating
        ? "Checked against the host's free capacity at its overcommit ratios (vCPU 4:1, RAM 1:1 by default)."
        : "Checked against the host's free capacity at its overcommit ratios. The host changes by migration.",
      fields: [
        ...(creating
          ? [
              {
                name: 'host_server_id',
                label: 'Host server',
                type: 'select',
                numeric: true,
                required: true,
                emptyOption: 'Choose a host…',
                options: ctx.hosts.map((h) => ({
                  value: String(h.id),
                  label: `${h.name} · ${h.datacenter_name}${h.cpu_cores ? ` · ${h.cpu_cores} cores` : ''}${h.ram_gb ? `, ${h.ram_gb} GB` : ''}`,
                })),
                span: 2,
              } satisfies FieldSpec,
            ]
          : []),
        { name: 'cpu_cores', label: 'vCPUs', type: 'integer', required: true, placeholder: '4' },
        { name: 'ram_gb', label: 'Memory', type: 'number', unit: 'GB', required: true, placeholder: '16' },
        { name: 'disk_gb', label: 'Disk', type: 'number', unit: 'GB', placeholder: '200' },
      ],
    },
    {
      title: 'Network',
      fields: [
        {
          name: 'network_type',
          label: 'Network type',
          type: 'select',
          emptyOption: '—',
          nullable: true,
          options: enumOptions(NETWORK_TYPES, String),
        },
        { name: 'vlan', label: 'VLAN', type: 'text', nullable: true, placeholder: '100', mono: true },
      ],
    },
  ];
}
