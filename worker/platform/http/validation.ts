import * as v from 'valibot';
import { badRequest, unprocessable, type FieldError } from './problem';

/** `servers[2].u_position`-style path of a valibot issue; `prefix` names where the input came from. */
function fieldOf(issue: v.BaseIssue<unknown>, prefix: string): string {
  let out = prefix;
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') out += `[${key}]`;
    // prefixes end with "." ("path.", "[3]."): no second separator after them
    else out += out && !out.endsWith('.') ? `.${String(key)}` : String(key);
  }
  return out || '(body)';
}

export function issuesToFieldErrors(issues: readonly v.BaseIssue<unknown>[], prefix = ''): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue, prefix);
    // report each field once, with its first (most specific) complaint
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return errors;
}

/** Parse or throw a 422 problem naming every bad field. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown, prefix = ''): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (!result.success) throw unprocessable(issuesToFieldErrors(result.issues, prefix));
  return result.output;
}

/** Read a JSON request body; malformed JSON or a wrong content type is a 400, not a 422. */
export async function readJsonBody(req: Request, optional = false): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  const text = await req.text();
  if (!text.trim()) {
    if (optional) return {};
    throw badRequest('The request body is empty; send a JSON document.');
  }
  if (type && !/json/i.test(type)) {
    throw badRequest(`Expected Content-Type: application/json, got "${type}".`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}.`);
  }
}
