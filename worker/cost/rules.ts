// Rules over a tariff, contract or budget as it would be stored, pure: field errors, none when it is fine.
import { bandErrors } from './energy';
import type { FieldError } from '../platform/http/problem';

type Row = Record<string, any>;

export function tariffErrors(t: Row): FieldError[] {
  const errors: FieldError[] = [];
  const bands = (t.bands ?? []) as Row[];
  if (t.energy_kind === 'time_of_use' && bands.length === 0)
    errors.push({ field: 'bands', message: 'a time-of-use tariff needs at least one band' });
  if (t.energy_kind !== 'time_of_use' && bands.length > 0)
    errors.push({ field: 'bands', message: 'bands apply to a time_of_use tariff only' });
  errors.push(...bandErrors(bands as never));
  if (t.amortisation_method !== 'declining_balance' && t.declining_factor != null)
    errors.push({ field: 'declining_factor', message: 'applies to declining_balance amortisation only' });
  return errors;
}

/** The estate takes no target; a datacenter, rack, server or VM takes its id; an owner or tag its value. */
export function scopeErrors(s: Row): FieldError[] {
  const errors: FieldError[] = [];
  const needsId = ['datacenter', 'rack', 'server', 'vm'].includes(s.scope_type);
  const needsValue = ['owner', 'tag'].includes(s.scope_type);
  if (needsId && s.scope_id == null)
    errors.push({ field: 'scope_id', message: `is required for a ${s.scope_type} scope` });
  if (!needsId && s.scope_id != null)
    errors.push({ field: 'scope_id', message: `must be empty for a ${s.scope_type} scope` });
  if (needsValue && !s.scope_value)
    errors.push({ field: 'scope_value', message: `is required for a ${s.scope_type} scope` });
  if (!needsValue && s.scope_value)
    errors.push({ field: 'scope_value', message: `must be empty for a ${s.scope_type} scope` });
  return errors;
}

export function contractErrors(c: Row): FieldError[] {
  const errors = scopeErrors(c);
  if (c.ends_on && c.starts_on && c.ends_on <= c.starts_on)
    errors.push({ field: 'ends_on', message: 'must be after starts_on' });
  return errors;
}
