// The face and depth fields every rack-mounted device form shares (servers, storage, network devices, PDUs),
// as the API's dcim/schemas/mount.ts declares them.
import { RACK_FACES } from '$worker/dcim/schemas/mount';
import type { FieldSpec, Values } from './forms';

/** A new device is full depth at the front until said otherwise, as the API assumes. */
export const MOUNT_DEPTH_DEFAULTS: Values = { face: 'front', is_full_depth: true };

export const mountDepthFields = (): FieldSpec[] => [
  {
    name: 'face',
    label: 'Face',
    type: 'select',
    options: RACK_FACES.map((f) => ({ value: f, label: f === 'front' ? 'Front' : 'Rear' })),
    help: 'The side of the rack it is installed from',
  },
  {
    name: 'is_full_depth',
    label: 'Full depth',
    type: 'checkbox',
    help: 'Clear it for a half-depth device: its U stays free for another half-depth device on the other face',
  },
];

/**
 * What a link from a rack elevation's free slot presets: `?rack_id=5&u_position=12`, and from the rear view
 * `&face=rear`, with `&half_depth=1` where the front of that U is taken (only a half-depth device fits there).
 */
export function mountPreset(params: URLSearchParams): Values {
  const out: Values = {};
  for (const k of ['rack_id', 'u_position']) {
    const v = params.get(k);
    if (v && /^\d+$/.test(v)) out[k] = v;
  }
  if (params.get('face') === 'rear') out.face = 'rear';
  if (params.get('half_depth') === '1') out.is_full_depth = false;
  return out;
}

/** How a device sits, for detail pages: nothing for the usual full-depth front mount. */
export const depthLabel = (d: { face?: string; is_full_depth?: boolean }): string =>
  d.is_full_depth === false ? `half depth, ${d.face ?? 'front'}` : d.face === 'rear' ? 'installed from the rear' : '';
