import { parseAllDocuments } from 'yaml';
import type { FieldError } from '../platform/http/problem';

/** More documents than a whole manufacturer's folder of the library holds is a mistake, not an import. */
export const MAX_DOCUMENTS = 1000;

export type Documents = { ok: true; documents: unknown[] } | { ok: false; errors: FieldError[] };

/**
 * The documents of an import text: one YAML document, several separated by `---` (the library's files
 * concatenated), or one sequence of them (a JSON array is a YAML flow sequence). Errors name the document as
 * `<prefix>[i]` with its line, so a paste of twenty files says which one is broken.
 */
export function splitDocuments(text: string, prefix = ''): Documents {
  const errors: FieldError[] = [];
  const documents: unknown[] = [];
  // the library's files start with `---`: empty documents (a trailing `---`) are not documents
  for (const doc of parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true })) {
    const index = documents.length;
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      errors.push({ field: `${prefix}[${index}]`, message: `is not valid YAML: ${firstLine(e.message)}` });
      documents.push(null);
      continue;
    }
    let value: unknown;
    try {
      // maxAliasCount bounds alias expansion ("billion laughs")
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      errors.push({ field: `${prefix}[${index}]`, message: `is not valid YAML: ${firstLine((e as Error).message)}` });
      documents.push(null);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) documents.push(...value);
    else documents.push(value);
    if (documents.length > MAX_DOCUMENTS) break;
  }
  if (documents.length > MAX_DOCUMENTS) {
    return {
      ok: false,
      errors: [{ field: prefix || '(body)', message: `holds more than ${MAX_DOCUMENTS} documents; import in parts` }],
    };
  }
  if (errors.length) return { ok: false, errors };
  if (!documents.length) {
    return { ok: false, errors: [{ field: prefix || '(body)', message: 'holds no device-type document' }] };
  }
  return { ok: true, documents };
}

const firstLine = (s: string) => s.split('\n')[0]!.slice(0, 200);
