import * as v from 'valibot';

// The feeds' own formats, as uploaded or fetched: CISA's KEV catalogue and OSV records. Extra fields are allowed
// (both formats grow); the fields the catalogue uses are checked, and a bad one is named by its path
// (`vulnerabilities[3].dueDate`, `[1].affected[0].ranges[0].events`).

const text = (max: number) => v.pipe(v.string('must be text'), v.maxLength(max, `must be at most ${max} characters`));
const day = v.pipe(v.string('must be a date'), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'));
const cve = v.pipe(v.string('must be text'), v.regex(/^CVE-\d{4}-\d{4,}$/, 'must be a CVE id like CVE-2024-3400'));

export const KevEntry = v.object({
  cveID: cve,
  vendorProject: text(200),
  product: text(200),
  vulnerabilityName: text(500),
  dateAdded: day,
  shortDescription: text(5000),
  requiredAction: text(2000),
  dueDate: day,
  knownRansomwareCampaignUse: v.optional(text(40)),
  notes: v.optional(text(5000)),
  cwes: v.optional(v.array(text(40))),
});

export const KevDocument = v.object({
  title: text(500),
  catalogVersion: text(100),
  dateReleased: text(100),
  count: v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(0)),
  vulnerabilities: v.pipe(
    v.array(KevEntry, 'must be an array of KEV entries'),
    v.maxLength(20_000, 'must hold at most 20000 entries'),
  ),
});
export type KevDocument = v.InferOutput<typeof KevDocument>;

const version = text(200);
export const OsvEvent = v.pipe(
  v.object({
    introduced: v.optional(version),
    fixed: v.optional(version),
    last_affected: v.optional(version),
    limit: v.optional(version),
  }),
  v.check(
    (e) => Object.values(e).filter((x) => x !== undefined).length === 1,
    'must have exactly one of introduced, fixed, last_affected, limit',
  ),
);

export const OsvRange = v.pipe(
  v.object({
    type: v.picklist(['ECOSYSTEM', 'SEMVER', 'GIT'], 'must be ECOSYSTEM, SEMVER or GIT'),
    repo: v.optional(text(500)),
    events: v.pipe(v.array(OsvEvent), v.minLength(1, 'must have at least one event'), v.maxLength(500)),
  }),
  v.check((r) => r.events.some((e) => e.introduced !== undefined), 'events must include an introduced event'),
);

export const OsvAffected = v.object({
  package: v.optional(v.object({ ecosystem: text(100), name: text(300), purl: v.optional(text(500)) })),
  ranges: v.optional(v.pipe(v.array(OsvRange), v.maxLength(200))),
  versions: v.optional(v.pipe(v.array(version), v.maxLength(5000))),
  database_specific: v.optional(v.record(v.string(), v.unknown())),
  ecosystem_specific: v.optional(v.record(v.string(), v.unknown())),
});

export const OsvRecord = v.object({
  schema_version: v.optional(text(20)),
  id: v.pipe(text(100), v.minLength(1, 'must not be empty')),
  modified: text(40),
  published: v.optional(text(40)),
  withdrawn: v.optional(text(40)),
  aliases: v.optional(v.pipe(v.array(text(100)), v.maxLength(100))),
  summary: v.optional(text(1000)),
  details: v.optional(text(20_000)),
  severity: v.optional(v.array(v.object({ type: text(40), score: text(200) }))),
  affected: v.optional(v.pipe(v.array(OsvAffected), v.maxLength(500))),
  references: v.optional(v.array(v.object({ type: v.optional(text(40)), url: text(2000) }))),
  database_specific: v.optional(v.record(v.string(), v.unknown())),
});
export type OsvRecord = v.InferOutput<typeof OsvRecord>;

/** What POST /vulnerabilities/catalogue/import takes (documentation; the format is detected in catalogue-import.ts). */
export const CatalogueUpload = v.union([KevDocument, OsvRecord, v.array(OsvRecord)]);

export const ImportResult = v.object({
  format: v.picklist(['kev', 'osv']),
  received: v.number(),
  added: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  scan: v.optional(
    v.object({
      scanned_assets: v.number(),
      open: v.number(),
      new: v.number(),
      fixed: v.number(),
      agent_labels_used: v.number(),
    }),
  ),
});
