// Form definitions of device types: which fields, how they are grouped, which controls. The values are validated
// by the API's own valibot schema (worker/device-types/schemas/device-type.ts), imported by the pages. Interfaces
// and power ports are lists: ComponentsEditor.svelte edits them beside the form.
import { AIRFLOWS, DEVICE_KINDS } from '$worker/device-types/schemas/device-type';
import { humanize } from '../format';
import type { Section, Values } from '../forms';
import type { DeviceInterface } from './types';

export const DEVICE_TYPE_DEFAULTS: Values = { kind: 'server', u_height: '1', is_full_depth: true, power_outlets: '0' };

export const KIND_LABELS: Record<string, string> = {
  server: 'Server',
  network: 'Network',
  storage: 'Storage',
  pdu: 'PDU',
  other: 'Other',
};
export const KIND_TONES: Record<string, 'accent' | 'info' | 'success' | 'warning' | 'neutral'> = {
  server: 'accent',
  network: 'info',
  storage: 'success',
  pdu: 'warning',
  other: 'neutral',
};

export function deviceTypeSections(): Section[] {
  return [
    {
      title: 'Identity',
      description: 'Manufacturer and model are unique together (case-insensitive); the slug is derived if left empty.',
      fields: [
        { name: 'manufacturer', label: 'Manufacturer', type: 'text', required: true, placeholder: 'Dell' },
        { name: 'model', label: 'Model', type: 'text', required: true, placeholder: 'PowerEdge R640' },
        {
          name: 'slug',
          label: 'Slug',
          type: 'text',
          mono: true,
          placeholder: 'dell-poweredge-r640',
          help: 'Lower-case letters, digits, - and _',
        },
        { name: 'part_number', label: 'Part number', type: 'text', nullable: true, mono: true },
        {
          name: 'kind',
          label: 'Kind',
          type: 'select',
          options: DEVICE_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] ?? k })),
          help: 'Which inventory a device of this type becomes',
        },
      ],
    },
    {
      title: 'Physical',
      description: 'Height in rack units (0 for zero-U, side-mounted; half units allowed).',
      fields: [
        { name: 'u_height', label: 'Height', type: 'number', unit: 'U', step: '0.5', required: true },
        { name: 'is_full_depth', label: 'Full depth', type: 'checkbox' },
        {
          name: 'airflow',
          label: 'Airflow',
          type: 'select',
          nullable: true,
          emptyOption: '—',
          options: AIRFLOWS.map((a) => ({ value: a, label: humanize(a) })),
        },
        { name: 'weight_kg', label: 'Weight', type: 'number', unit: 'kg', nullable: true, step: '0.001' },
      ],
    },
    {
      title: 'Power',
      description:
        'Maximum draw is the largest single power port (redundant PSUs: one carries the whole load); it is what a ' +
        'device created from this type books against its rack. Left empty, both follow from the power ports.',
      fields: [
        { name: 'max_draw_w', label: 'Maximum draw', type: 'integer', unit: 'W', nullable: true },
        { name: 'allocated_draw_w', label: 'Allocated draw', type: 'integer', unit: 'W', nullable: true },
        { name: 'power_outlets', label: 'Power outlets', type: 'integer', help: 'PDUs: outlets it feeds' },
      ],
    },
    {
      title: 'Notes',
      fields: [{ name: 'comments', label: 'Comments', type: 'textarea', nullable: true, span: 2 }],
    },
  ];
}

/** Interfaces grouped by line rate, fastest first (the front panel in words). */
export function interfacesBySpeed(interfaces: DeviceInterface[]): { speed: string; items: DeviceInterface[] }[] {
  const groups = new Map<string, DeviceInterface[]>();
  for (const i of interfaces) {
    const key = i.speed ?? 'other';
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const mbps = (s: string) => {
    const m = /^([\d.]+)([GM])$/.exec(s);
    return m ? Number(m[1]) * (m[2] === 'G' ? 1000 : 1) : -1;
  };
  return [...groups.entries()]
    .map(([speed, items]) => ({ speed, items }))
    .sort((a, b) => mbps(b.speed) - mbps(a.speed));
}

/** "48 × 25G · 8 × 100G · 1 × 1G" */
export function interfaceSummary(interfaces: DeviceInterface[]): string {
  return (
    interfacesBySpeed(interfaces)
      .map((g) => `${g.items.length} × ${g.speed}`)
      .join(' · ') || 'No interfaces'
  );
}
