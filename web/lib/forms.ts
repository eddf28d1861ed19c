// The declarative form machinery behind ResourceForm: field specs, value <-> payload conversion, valibot
// validation with the API's own schemas, and mapping of problem+json `errors[]` onto fields.
import * as v from 'valibot';

export type Values = Record<string, unknown>;

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface FieldSpec {
  name: string;
  label: string;
  type: 'text' | 'number' | 'integer' | 'select' | 'date' | 'datetime' | 'checkbox' | 'checkboxes' | 'textarea';
  /** select / checkboxes choices: constants, or a function of the current values (dependent pickers) */
  options?: readonly string[] | Option[] | ((values: Values) => Option[]);
  /** select: the value is an id (number) */
  numeric?: boolean;
  /** select: label of the empty choice; absent = no empty choice */
  emptyOption?: string;
  placeholder?: string;
  help?: string | ((values: Values) => string | undefined);
  unit?: string;
  required?: boolean;
  /** on edit, clearing the field sends null */
  nullable?: boolean;
  /** UI-only (e.g. the datacenter that filters the rack picker): never sent */
  virtual?: boolean;
  /** sent but not shown: set by a control outside the sections (the device-type picker's device_type_id) */
  hidden?: boolean;
  span?: 1 | 2;
  mono?: boolean;
  step?: string;
  autocomplete?: string;
  /** called after the user changes this field (reset a dependent field, ...) */
  onchange?: (values: Values) => void;
  disabled?: (values: Values) => boolean;
}

export interface Section {
  title: string;
  description?: string;
  fields: FieldSpec[];
}

export function optionsOf(f: FieldSpec, values: Values): Option[] {
  const o = typeof f.options === 'function' ? f.options(values) : (f.options ?? []);
  return (o as readonly (string | Option)[]).map((x) => (typeof x === 'string' ? { value: x, label: x } : x));
}

/** Form state from an API object (numbers become strings for the inputs; null becomes ''). */
export function toValues(sections: Section[], source: Values | null | undefined, defaults: Values = {}): Values {
  const out: Values = {};
  for (const s of sections) {
    for (const f of s.fields) {
      const raw = source?.[f.name] ?? defaults[f.name];
      if (f.type === 'checkboxes') out[f.name] = Array.isArray(raw) ? [...raw] : [];
      else if (f.type === 'checkbox') out[f.name] = !!raw;
      else if (f.type === 'datetime') out[f.name] = raw ? localInput(String(raw)) : '';
      else out[f.name] = raw === null || raw === undefined ? '' : String(raw);
    }
  }
  return out;
}

/** An ISO instant as a datetime-local input shows it (the browser's time zone), and back. */
export function localInput(isoTime: string): string {
  const d = new Date(isoTime);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
export const fromLocalInput = (local: string): string => {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
};

const EMPTY = Symbol('empty');

function convert(f: FieldSpec, raw: unknown): unknown {
  if (f.type === 'checkboxes') return Array.isArray(raw) ? raw : [];
  if (f.type === 'checkbox') return !!raw;
  const s = typeof raw === 'string' ? raw.trim() : raw;
  if (s === '' || s === undefined || s === null) return EMPTY;
  if (f.type === 'number' || f.type === 'integer' || (f.type === 'select' && f.numeric)) {
    const n = Number(s);
    return Number.isFinite(n) ? n : s; // leave junk as text: the schema reports "must be a number"
  }
  if (f.type === 'datetime') return fromLocalInput(String(s));
  return s;
}

/**
 * The request body. Create: empty fields are left out so the API's defaults apply. Edit: only the fields that
 * changed are sent, and clearing a nullable field sends null.
 */
export function toPayload(sections: Section[], values: Values, original: Values | null): Values {
  const out: Values = {};
  for (const s of sections) {
    for (const f of s.fields) {
      if (f.virtual) continue;
      let val = convert(f, values[f.name]);
      if (val === EMPTY) {
        if (!original) continue;
        if (!f.nullable) continue;
        val = null;
      }
      if (original) {
        const before = original[f.name] ?? null;
        if (JSON.stringify(before) === JSON.stringify(val)) continue;
      }
      out[f.name] = val;
    }
  }
  return out;
}

const PHRASE = /^(is|must|may|should|duplicates|cannot|has|already)\b/;
/** "must be at least 1" reads as "U position must be at least 1"; a full sentence stays as it is. */
export function fieldMessage(label: string, message: string): string {
  if (PHRASE.test(message)) return `${label} ${message}`;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Client-side validation with the same valibot schema the API applies; returns field → message. */
export function validate(
  sections: Section[],
  schema: v.GenericSchema,
  payload: Values,
  values: Values,
  creating: boolean,
): Record<string, string> {
  const errors: Record<string, string> = {};
  const labels = labelMap(sections);
  for (const s of sections) {
    for (const f of s.fields) {
      if (f.required && convert(f, values[f.name]) === EMPTY && (creating || !f.virtual)) {
        errors[f.name] = `${f.label} is required`;
      }
    }
  }
  const r = v.safeParse(schema, payload, { abortPipeEarly: true });
  if (!r.success) {
    for (const issue of r.issues) {
      const key = issue.path?.[0]?.key;
      const name = typeof key === 'string' ? key : '(form)';
      if (!(name in errors)) errors[name] = fieldMessage(labels[name] ?? name, issue.message);
    }
  }
  return errors;
}

export function labelMap(sections: Section[]): Record<string, string> {
  const m: Record<string, string> = {};
  for (const s of sections) for (const f of s.fields) m[f.name] = f.label;
  return m;
}
