import { describe, expect, it } from 'vitest';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import type { SQL } from 'drizzle-orm';
import {
  canSee,
  clearanceCovers,
  clearedForAll,
  zoneLowers,
  zoneRises,
  zonesFor,
} from '../../worker/platform/access/zones';
import {
  andVisible,
  auditEntryScope,
  rawVisibleClause,
  visibleWhere,
  type Entity,
} from '../../worker/platform/access/entities';

const dialect = new SQLiteSyncDialect();
const render = (q: SQL | undefined) => {
  if (!q) return undefined;
  const { sql, params } = dialect.sqlToQuery(q);
  return { sql, params };
};

// a three-level chain, as VMs on hosts in racks will be
const rack: Entity = { type: 'rack', table: 'racks', zone: { column: 'security_zone' } };
const server: Entity = { type: 'server', table: 'servers', zone: { via: rack, column: 'rack_id' } };
const vm: Entity = { type: 'vm', table: 'vms', zone: { via: server, column: 'host_id' } };
const confidential = { actor: { id: 1, username: 'c', role: 'viewer', clearance: 'Confidential' } };
const topSecret = { actor: { id: 2, username: 't', role: 'viewer', clearance: 'Top Secret' } };

describe('zone rules', () => {
  it('a clearance covers its own zone and those below', () => {
    expect(clearanceCovers('Confidential', 'Internal')).toBe(true);
    expect(clearanceCovers('Confidential', 'Confidential')).toBe(true);
    expect(clearanceCovers('Confidential', 'Top Secret')).toBe(false);
    expect(clearanceCovers('Public', 'Internal')).toBe(false);
    expect(clearanceCovers(null, 'Top Secret')).toBe(true);
    expect(canSee(null, 'Top Secret')).toBe(true);
    expect(canSee(confidential.actor, 'Top Secret')).toBe(false);
  });

  it('lists the zones to filter by, or none for the unlimited', () => {
    expect(zonesFor(confidential.actor)).toEqual(['Public', 'Internal', 'Confidential']);
    expect(zonesFor(topSecret.actor)).toBeNull();
    expect(zonesFor(null)).toBeNull();
    expect(clearedForAll('Top Secret')).toBe(true);
    expect(clearedForAll('Confidential')).toBe(false);
  });

  it('tells raising from lowering a zone', () => {
    expect(zoneRises('Internal', 'Top Secret')).toBe(true);
    expect(zoneLowers('Internal', 'Top Secret')).toBe(false);
    expect(zoneLowers('Top Secret', 'Public')).toBe(true);
    expect(zoneRises('Internal', 'Internal') || zoneLowers('Internal', 'Internal')).toBe(false);
  });
});

describe('entity scopes', () => {
  const zones = ['Public', 'Internal', 'Confidential'];

  it('filters an entity by its own column, or through each parent in turn', () => {
    expect(render(visibleWhere(confidential, rack))).toEqual({
      sql: 'racks.security_zone IN (?, ?, ?)',
      params: zones,
    });
    expect(render(visibleWhere(confidential, vm, 'v'))).toEqual({
      sql: 'v.host_id IN (SELECT a0.id FROM servers a0 WHERE a0.rack_id IN (SELECT a1.id FROM racks a1 WHERE a1.security_zone IN (?, ?, ?)))',
      params: zones,
    });
    expect(visibleWhere(topSecret, vm)).toBeUndefined();
    expect(render(andVisible(topSecret, rack, 'r'))).toEqual({ sql: '', params: [] });
  });

  it('gives raw D1 statements the same scope with the zones as one JSON parameter', () => {
    expect(rawVisibleClause(confidential.actor, server, 's', '?1')).toEqual({
      sql: 's.rack_id IN (SELECT a0.id FROM racks a0 WHERE a0.security_zone IN (SELECT value FROM json_each(?1)))',
      bind: [JSON.stringify(zones)],
    });
    expect(rawVisibleClause(null, server, 's')).toBeNull();
  });

  it('hides audit entries of every declared entity whose snapshot lies in a hidden zone', async () => {
    // the dcim domain declares racks and servers on import
    await import('../../worker/dcim/access');
    const q = render(auditEntryScope(confidential))!;
    // types and zones come from code and are inlined: however many entities the domains declare, the condition
    // binds nothing (D1 takes at most 100 parameters a statement)
    const zones = "('Public', 'Internal', 'Confidential')";
    // one CASE arm per entity type (an OR per type nests a level each, and SQLite stops at depth 100)
    expect(q.sql).toMatch(/^NOT coalesce\(CASE audit_log\.entity_type WHEN /);
    expect(q.sql).toContain(
      `WHEN 'rack' THEN (coalesce(json_extract(audit_log.before, '$.security_zone') NOT IN ${zones}, 0)`,
    );
    expect(q.sql).toContain(
      `coalesce((SELECT z0.security_zone FROM racks z0 WHERE z0.id = json_extract(audit_log.after, '$.rack_id')) NOT IN ${zones}, 0)`,
    );
    expect(q.params).toEqual([]);
    expect(auditEntryScope(topSecret)).toBeUndefined();
  });
});
