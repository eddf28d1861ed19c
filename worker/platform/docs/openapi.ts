import { toJsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import type { OpResponse, OpSpec } from '../http/api';
import { PERMISSIONS } from '../access/roles';

type Json = Record<string, any>;

// typeMode "input": the document describes what clients send; transforms (tier normalisation) are invisible
const schemaOf = (s: v.GenericSchema): Json => {
  const { $schema: _, ...rest } = toJsonSchema(s, {
    target: 'draft-2020-12',
    errorMode: 'ignore',
    typeMode: 'input',
  }) as Json;
  return rest;
};

const PROBLEM = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

function parameters(
  schema: v.ObjectSchema<any, any> | v.StrictObjectSchema<any, any> | undefined,
  where: 'path' | 'query',
): Json[] {
  if (!schema) return [];
  const json = schemaOf(schema);
  const required = new Set<string>(json.required ?? []);
  return Object.entries<Json>(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: where, required: where === 'path' || required.has(name), description, schema: rest };
  });
}

/** OpenAPI 3.1, built from the same route declarations (and valibot schemas) that the API runs on. */
export function buildOpenApi(ops: OpSpec[], version: string): Json {
  const paths: Json = {};
  const named: Json = { Problem: PROBLEM };
  const schemaRef = (r: OpResponse & { schema: v.GenericSchema }): Json => {
    const json = schemaOf(r.schema);
    // answers carry every field even where the (input-mode) schema marks it optional
    if (r.complete) {
      json.required = Object.keys(json.properties ?? {});
    }
    const name = r.name;
    if (!name) return json;
    if (named[name] && JSON.stringify(named[name]) !== JSON.stringify(json)) {
      throw new Error(`OpenAPI: two different schemas are both named ${name}`);
    }
    named[name] = json;
    return { $ref: `#/components/schemas/${name}` };
  };
  for (const op of ops) {
    const responses: Json = {};
    for (const r of op.responses) {
      if (r.status >= 400) {
        responses[r.status] = {
          description: r.description || 'Problem',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        };
        continue;
      }
      const one = r.schema && schemaRef(r as OpResponse & { schema: v.GenericSchema });
      const body = one ? (r.list ? { type: 'array', items: one } : one) : undefined;
      // a second entry with the same status is another representation of it (format=csv)
      const prev = responses[r.status];
      responses[r.status] = {
        description: prev ? `${prev.description}; or ${r.description}` : r.description,
        ...(body || prev?.content
          ? {
              content: {
                ...prev?.content,
                ...(body ? { [r.contentType ?? 'application/json']: { schema: body } } : {}),
              },
            }
          : {}),
        ...(prev?.headers ? { headers: prev.headers } : {}),
        ...(r.list
          ? {
              headers: {
                'X-Total-Count': { description: 'Rows matching the filters', schema: { type: 'integer' } },
                Link: { description: 'RFC 8288 first/prev/next/last pages', schema: { type: 'string' } },
                'X-Next-Cursor': {
                  description: 'When more rows follow: pass it as `after` (with the same sort) for the next page',
                  schema: { type: 'string' },
                },
              },
            }
          : {}),
      };
    }
    if (op.access !== 'public') {
      responses[401] ??= { $ref: '#/components/responses/Unauthorized' };
      if (op.access !== 'authenticated') responses[403] ??= { $ref: '#/components/responses/Forbidden' };
    }
    if (op.params || op.query || op.body) responses[422] ??= { $ref: '#/components/responses/Invalid' };

    const requestBody = op.bodyForm
      ? {
          required: true,
          content: {
            'application/x-www-form-urlencoded': { schema: schemaOf(op.bodyForm) },
            'application/json': { schema: schemaOf(op.bodyForm) },
          },
        }
      : op.body
        ? {
            required: true,
            content: Object.fromEntries(
              (op.bodyContentTypes ?? ['application/json']).map((type) => [
                type,
                { schema: type.includes('json') ? schemaOf(op.body!) : { type: 'string' } },
              ]),
            ),
          }
        : undefined;

    paths[`/api${op.path}`] ??= {};
    paths[`/api${op.path}`][op.method] = {
      operationId: `${op.method}${op.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_, ch) => (ch ? ch.toUpperCase() : ''))}`,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: op.tags,
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      ...(requestBody ? { requestBody } : {}),
      responses,
      ...(op.access === 'public' ? { security: [] } : {}),
      'x-required-permission': op.access,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'DC Platform API',
      version,
      description:
        'Datacenter inventory, capacity, audit and (soon) live telemetry. Sign in with `POST /api/token` ' +
        '(form-encoded username/password) and send `Authorization: Bearer <access_token>`. Errors are RFC 9457 ' +
        'problem documents. Lists are bare JSON arrays paginated by `limit`/`offset` with `X-Total-Count` and `Link`.\n\n' +
        'Roles and permissions: ' +
        Object.entries(PERMISSIONS)
          .map(([p, roles]) => `\`${p}\`: ${roles.join(', ')}`)
          .join('; ') +
        '.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { oauth2: [] }, { session: [] }],
    tags: [...new Set(ops.flatMap((o) => o.tags))].map((name) => ({ name })),
    paths,
    components: {
      schemas: named,
      responses: {
        Unauthorized: {
          description: 'Missing, invalid or expired credentials',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        Forbidden: {
          description: 'The role lacks the permission',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        Invalid: {
          description: 'Invalid input; `errors` names each bad field',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        oauth2: { type: 'oauth2', flows: { password: { tokenUrl: '/api/token', scopes: {} } } },
        session: { type: 'apiKey', in: 'cookie', name: 'dc_session' },
      },
    },
  };
}
