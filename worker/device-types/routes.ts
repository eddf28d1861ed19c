import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { IdParams, getRow, mountResource } from '../platform/http/resource';
import { badRequest } from '../platform/http/problem';
import { parseOrThrow } from '../platform/http/validation';
import { deviceTypesResource } from './device-types';
import { deviceDefaults, formFor } from './defaults';
import { importDeviceTypes } from './import';
import { DefaultsQuery, DeviceTypeDefaults, ImportBody, ImportQuery, ImportResult } from './schemas/device-type';

/** A whole manufacturer's folder of the library, pasted at once, is a few MB. */
const IMPORT_MAX_BYTES = 8 * 1024 * 1024;

/** The body of an import: YAML text as it is (text/yaml, text/plain), or JSON `{ yaml }` or an array of documents. */
async function importInput(req: Request): Promise<{ text: string } | { documents: unknown[] }> {
  const type = req.headers.get('content-type') ?? '';
  const text = await req.text();
  if (!text.trim()) throw badRequest('The request body is empty; send the YAML of one or more device types.');
  if (!/json/i.test(type)) return { text };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}.`);
  }
  if (Array.isArray(body)) return { documents: body };
  return { text: parseOrThrow(ImportBody, body).yaml };
}

export function mountDeviceTypes(api: Api) {
  api.op(
    {
      method: 'post',
      path: '/device-types/import',
      summary: 'Import device types from NetBox device-type library YAML (one or many documents, all or nothing)',
      description:
        'The body is the YAML of one or more library files (device-types/<Manufacturer>/<Model>.yaml), separated ' +
        'by `---`, as text/yaml or text/plain; or JSON `{ "yaml": "..." }`, or a JSON array of documents. A type ' +
        'whose manufacturer and model (case-insensitive) already exist is updated, not duplicated. Every document ' +
        'is written in one batch, or none: errors name `documents[i].field` (422), a slug held by another type ' +
        'is a 409. `dry_run=true` validates and reports what would be created or updated without writing.',
      tags: ['Device types'],
      access: 'inventory:write',
      query: ImportQuery,
      body: v.union([ImportBody, v.array(v.record(v.string(), v.unknown()))]),
      rawBody: true,
      bodyContentTypes: ['application/json', 'text/yaml', 'text/plain'],
      maxBodyBytes: IMPORT_MAX_BYTES,
      responses: [
        {
          status: 200,
          description: 'What was (or, dry run, would be) created, updated or left',
          schema: ImportResult,
          name: 'DeviceTypeImport',
        },
        { status: 400, description: 'Empty body or malformed JSON' },
        { status: 409, description: 'A slug belongs to another device type' },
        { status: 422, description: 'Invalid documents: errors name documents[i].field' },
      ],
    },
    async (c, { ctx, query }) => {
      const input = await importInput(c.req.raw);
      return c.json(await importDeviceTypes(ctx, input, query.dry_run === 'true'));
    },
  );

  mountResource(api, deviceTypesResource);

  api.op(
    {
      method: 'get',
      path: '/device-types/{id}/defaults',
      summary: "What a device form fills from a device type: manufacturer, model, U size, power, and a switch's ports",
      description:
        "`for` is the form (server, network, storage, pdu; default: the type's kind). Power: servers get " +
        "`power_supply_w`, network and storage devices `power_w` (the largest PSU's maximum draw: a redundant " +
        "pair never draws more than one PSU's rating), PDUs `outlets`. `zero_u`: the device is side-mounted.",
      tags: ['Device types'],
      access: 'inventory:read',
      params: IdParams,
      query: DefaultsQuery,
      responses: [
        { status: 200, description: 'The values to fill', schema: DeviceTypeDefaults, name: 'DeviceTypeDefaults' },
        { status: 404, description: 'No such device type' },
      ],
    },
    async (c, { ctx, params, query }) => {
      const row = await getRow(ctx, deviceTypesResource, params.id);
      return c.json(deviceDefaults(row as never, query.for ?? formFor(String(row.kind))));
    },
  );
}
