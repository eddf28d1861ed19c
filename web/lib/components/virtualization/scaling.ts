import type { Section } from '$lib/forms';
import type { Vm } from '$lib/types';

// The VM scaling group form's fields, for the new page and the group page's edit.

export const SCALING_DEFAULTS = {
  metric: 'cpu_pct',
  window_min: '5',
  scale_out_above: '75',
  scale_in_below: '25',
  min_size: '1',
  max_size: '4',
  cooldown_s: '300',
};

export function scalingGroupSections(templates: Vm[], creating: boolean): Section[] {
  return [
    ...(creating
      ? [
          {
            title: 'Group',
            description:
              'Members are clones of the template VM, made on its host and started by the site agent. The template ' +
              'itself is not a member: keep it stopped, as the image new members start from.',
            fields: [
              {
                name: 'name',
                label: 'Name',
                type: 'text' as const,
                required: true,
                placeholder: 'web-pool',
                mono: true,
                help: 'Members are named <name>-1, <name>-2…',
              },
              {
                name: 'template_vm_id',
                label: 'Template VM',
                type: 'select' as const,
                numeric: true,
                required: true,
                emptyOption: 'Select a VM…',
                options: templates.map((v) => ({
                  value: String(v.id),
                  label: `${v.name} · ${v.cpu_cores} vCPU · ${v.ram_gb} GB · ${v.host_name}`,
                })),
              },
            ],
          },
        ]
      : []),
    {
      title: 'Scaling rule',
      description:
        'Every minute the cron averages the metric over the window on the hosts the group runs on (1-minute ' +
        'rollups), then adds or removes one member (the newest first), within the bounds, no sooner than the ' +
        'cooldown after the last change.',
      fields: [
        { name: 'metric', label: 'Metric', type: 'text', mono: true, placeholder: 'cpu_pct' },
        { name: 'window_min', label: 'Window', type: 'integer', unit: 'min' },
        { name: 'scale_out_above', label: 'Add a member above', type: 'number', required: true },
        { name: 'scale_in_below', label: 'Remove one below', type: 'number', required: true },
        { name: 'min_size', label: 'Minimum members', type: 'integer' },
        { name: 'max_size', label: 'Maximum members', type: 'integer', required: true },
        { name: 'cooldown_s', label: 'Cooldown', type: 'integer', unit: 's' },
      ],
    },
  ];
}
