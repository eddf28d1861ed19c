// Form definitions of prefixes, addresses, VLANs and allocations: which fields, how they are grouped, which
// controls. The values are validated by the API's own valibot schemas (worker/ipam/schemas), imported by the pages.
import { PREFIX_STATUSES } from '$worker/ipam/schemas/prefix';
import { ADDRESS_ROLES, ADDRESS_STATUSES, ASSIGNED_KINDS } from '$worker/ipam/schemas/ip-address';
import { VLAN_STATUSES } from '$worker/ipam/schemas/vlan';
import { humanize } from '../format';
import type { FieldSpec, Option, Section, Values } from '../forms';
import type { Datacenter } from '../types';
import type { Vlan } from './types';
import { KIND_LABELS, type TargetKind, type Targets } from './targets';

const enumOptions = (values: readonly string[], label = humanize): Option[] =>
  values.map((v) => ({ value: v, label: label(v) }));

const siteOptions = (datacenters: Datacenter[]): Option[] =>
  datacenters.map((d) => ({ value: String(d.id), label: d.name }));

export function vlanSections(ctx: { datacenters: Datacenter[] }): Section[] {
  return [
    {
      title: 'VLAN',
      description: 'A VLAN id is unique per site; a VLAN without a site is shared by every site.',
      fields: [
        { name: 'vid', label: 'VLAN id', type: 'integer', required: true, placeholder: '100', help: '1 to 4094' },
        { name: 'name', label: 'Name', type: 'text', required: true, placeholder: 'servers' },
        {
          name: 'datacenter_id',
          label: 'Site',
          type: 'select',
          numeric: true,
          nullable: true,
          emptyOption: 'Global (every site)',
          options: siteOptions(ctx.datacenters),
        },
        { name: 'status', label: 'Status', type: 'select', options: enumOptions(VLAN_STATUSES) },
        { name: 'role', label: 'Role', type: 'text', nullable: true, placeholder: 'production' },
        { name: 'description', label: 'Description', type: 'text', nullable: true, span: 2 },
      ],
    },
  ];
}

export function prefixSections(ctx: { datacenters: Datacenter[]; vlans: Vlan[] }): Section[] {
  // a prefix takes a VLAN of its own site or a global one
  const vlanOptions = (values: Values): Option[] =>
    ctx.vlans
      .filter((v) => v.datacenter_id === null || String(v.datacenter_id) === String(values.datacenter_id ?? ''))
      .map((v) => ({
        value: String(v.id),
        label: `${v.vid} · ${v.name}${v.datacenter_id === null ? ' (global)' : ''}`,
      }));
  return [
    {
      title: 'Prefix',
      description: 'IPv4 or IPv6 in CIDR notation; the network address, not a host in it.',
      fields: [
        {
          name: 'prefix',
          label: 'Prefix',
          type: 'text',
          required: true,
          mono: true,
          placeholder: '10.20.0.0/24 or 2001:db8:20::/64',
        },
        {
          name: 'status',
          label: 'Status',
          type: 'select',
          options: enumOptions(PREFIX_STATUSES),
          help: 'A container holds child prefixes; its utilisation is the space they cover',
        },
        { name: 'role', label: 'Role', type: 'text', nullable: true, placeholder: 'servers' },
        {
          name: 'is_pool',
          label: 'Pool',
          type: 'checkbox',
          placeholder: 'Every address is usable, network and broadcast too',
        },
      ],
    },
    {
      title: 'Site and VLAN',
      fields: [
        {
          name: 'datacenter_id',
          label: 'Site',
          type: 'select',
          numeric: true,
          nullable: true,
          emptyOption: 'No site',
          options: siteOptions(ctx.datacenters),
          onchange: (values) => {
            if (values.vlan_id && !vlanOptions(values).some((o) => o.value === values.vlan_id)) values.vlan_id = '';
          },
        },
        {
          name: 'vlan_id',
          label: 'VLAN',
          type: 'select',
          numeric: true,
          nullable: true,
          emptyOption: 'No VLAN',
          options: vlanOptions,
        },
        { name: 'description', label: 'Description', type: 'text', nullable: true, span: 2 },
      ],
    },
  ];
}

/** Kind, then a filterable list of that kind's objects (the search box narrows the select). */
function assignmentFields(targets: Targets): FieldSpec[] {
  const kindOf = (values: Values) => String(values.assigned_kind ?? '') as TargetKind | '';
  return [
    {
      name: 'assigned_kind',
      label: 'Assigned to',
      type: 'select',
      nullable: true,
      emptyOption: 'Nothing',
      options: ASSIGNED_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })),
      onchange: (values) => {
        values.assigned_id = '';
        values.assigned_search = '';
      },
    },
    {
      name: 'assigned_search',
      label: 'Find',
      type: 'text',
      virtual: true,
      placeholder: 'Type to narrow the list',
      disabled: (values) => !kindOf(values),
    },
    {
      name: 'assigned_id',
      label: 'Object',
      type: 'select',
      numeric: true,
      nullable: true,
      emptyOption: 'Select…',
      span: 2,
      disabled: (values) => !kindOf(values),
      options: (values) => {
        const kind = kindOf(values);
        if (!kind) return [];
        const q = String(values.assigned_search ?? '')
          .trim()
          .toLowerCase();
        const all = targets[kind];
        // the chosen one stays listed whatever the search says
        return q ? all.filter((o) => o.value === values.assigned_id || o.label.toLowerCase().includes(q)) : all;
      },
    },
  ];
}

const detailFields = (): FieldSpec[] => [
  {
    name: 'status',
    label: 'Status',
    type: 'select',
    options: enumOptions(ADDRESS_STATUSES, (s) => (s === 'dhcp' ? 'DHCP' : humanize(s))),
  },
  {
    name: 'role',
    label: 'Role',
    type: 'select',
    nullable: true,
    emptyOption: '—',
    options: enumOptions(ADDRESS_ROLES, (r) =>
      ['vip', 'vrrp', 'hsrp', 'carp'].includes(r ?? '') ? (r ?? '').toUpperCase() : humanize(r),
    ),
  },
  { name: 'dns_name', label: 'DNS name', type: 'text', nullable: true, mono: true, placeholder: 'web-01.example.com' },
  { name: 'description', label: 'Description', type: 'text', nullable: true },
];

export function addressSections(targets: Targets): Section[] {
  return [
    {
      title: 'Address',
      description: 'With a mask (10.0.0.5/24) or without: then it takes the length of the prefix it falls in.',
      fields: [
        { name: 'address', label: 'Address', type: 'text', required: true, mono: true, placeholder: '10.20.0.5/24' },
        ...detailFields(),
      ],
    },
    { title: 'Assignment', fields: assignmentFields(targets) },
  ];
}

export function allocateSections(targets: Targets): Section[] {
  return [
    {
      title: 'Next free address',
      fields: [
        { name: 'count', label: 'How many', type: 'integer', help: 'Consecutive free addresses, 1 to 256' },
        ...detailFields(),
      ],
    },
    { title: 'Assignment', fields: assignmentFields(targets) },
  ];
}

export const PREFIX_DEFAULTS = { status: 'active' };
export const ADDRESS_DEFAULTS = { status: 'active' };
export const VLAN_DEFAULTS = { status: 'active' };
export const ALLOCATE_DEFAULTS = { count: '1', status: 'active' };
