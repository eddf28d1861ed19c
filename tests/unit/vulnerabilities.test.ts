import { describe, expect, it } from 'vitest';
import kev from '../fixtures/vulns/kev.json';
import osvVendor from '../fixtures/vulns/osv-vendor.json';
import goRecord from '../fixtures/vulns/osv-go-2023-2102.json';
import debRecord from '../fixtures/vulns/osv-debian-cve-2024-6387.json';
import { compareVersions } from '../../worker/vulnerabilities/version';
import { describeInterval, inRange, isAffected, type OsvRange } from '../../worker/vulnerabilities/ranges';
import { cvss3BaseScore, roundUp, severityOf } from '../../worker/vulnerabilities/cvss';
import { detectFormat, mergeEntries, parseFeedDocument } from '../../worker/vulnerabilities/feed-parse';
import { componentsOf, productKey, vendorKey } from '../../worker/vulnerabilities/products';
import { explainFinding, matchComponents, type CatalogueRow } from '../../worker/vulnerabilities/match';
import { aggregateRisk, findingRisk } from '../../worker/vulnerabilities/risk';
import { credentialFindings, isPubliclyRoutable, powerFindings } from '../../worker/vulnerabilities/config-rules';
import { ProblemError } from '../../worker/platform/http/problem';

const sign = (a: string, b: string) => Math.sign(compareVersions(a, b));

describe('the generic version comparator', () => {
  it('orders vendor rebuilds, hotfixes and service releases after their base', () => {
    expect(sign('17.9.4', '17.9.4a')).toBe(-1); // Cisco rebuild
    expect(sign('17.9.4a', '17.9.5')).toBe(-1);
    expect(sign('10.2.9', '10.2.9-h1')).toBe(-1); // PAN-OS hotfix
    expect(sign('10.2.9-h1', '10.2.10')).toBe(-1);
    expect(sign('22.4R2', '22.4R2-S1')).toBe(-1); // Junos service release
    expect(sign('22.4R2-S1', '22.4R3')).toBe(-1);
    expect(sign('22.4', '22.4R1')).toBe(-1);
    expect(sign('14.1-4.42', '14.1-8.50')).toBe(-1); // NetScaler build
    expect(sign('8.0', '8.0.1')).toBe(-1);
  });

  it('reads ESXi updates as the next number, epochs first, pre-releases before the release', () => {
    expect(sign('8.0 U3', '8.0.3')).toBe(0);
    expect(sign('8.0 U2', '8.0.3')).toBe(-1);
    expect(sign('7.0.3 U2', '7.0.3.2')).toBe(0);
    expect(sign('8.0 Update 3', '8.0 U3')).toBe(0);
    expect(sign('1:9.2p1-2+deb12u2', '1:9.2p1-2+deb12u3')).toBe(-1);
    expect(sign('9.9', '1:1.0')).toBe(-1); // no epoch = epoch 0
    expect(sign('1.0-rc1', '1.0')).toBe(-1);
    expect(sign('1.0-beta', '1.0-rc1')).toBe(-1);
    expect(sign('v1.2', '1.2')).toBe(0);
    expect(sign('7.1', '7.a')).toBe(1); // a number beats a word
  });
});

describe('OSV range evaluation', () => {
  const range = (type: string, events: object[]): OsvRange => ({ type, events: events as OsvRange['events'] });

  it('introduced 0 / fixed: everything below the fix (schema docs: the simplest range)', () => {
    const r = range('SEMVER', [{ introduced: '0' }, { fixed: '1.0.0' }]);
    expect(inRange('0.5.0', r)).toEqual({ introduced: '0', fixed: '1.0.0' });
    expect(inRange('1.0.0', r)).toBeNull();
    expect(inRange('1.0.0-rc.1', r)).not.toBeNull(); // semver: a pre-release is below its release
  });

  it('last_affected includes its version; limit bounds the range', () => {
    const r = range('ECOSYSTEM', [{ introduced: '1.0.0' }, { last_affected: '1.2.3' }]);
    expect(inRange('1.2.3', r)).toEqual({ introduced: '1.0.0', last_affected: '1.2.3' });
    expect(inRange('1.2.4', r)).toBeNull();
    expect(inRange('0.9', r)).toBeNull();
    const limited = range('ECOSYSTEM', [{ introduced: '0' }, { limit: '2.0.0' }]);
    expect(inRange('1.9', limited)).not.toBeNull();
    expect(inRange('2.0.0', limited)).toBeNull();
  });

  it('sorts events first, so several intervals in any order work', () => {
    // [1.0.0, 1.2.0) and [2.0.0, 2.2.0), given backwards
    const r = range('SEMVER', [
      { fixed: '2.2.0' },
      { introduced: '2.0.0' },
      { fixed: '1.2.0' },
      { introduced: '1.0.0' },
    ]);
    expect(inRange('1.1.0', r)).toEqual({ introduced: '1.0.0', fixed: '1.2.0' });
    expect(inRange('1.5.0', r)).toBeNull();
    expect(inRange('2.1.0', r)).toEqual({ introduced: '2.0.0', fixed: '2.2.0' });
    expect(inRange('2.2.0', r)).toBeNull();
    expect(inRange('0.1.0', r)).toBeNull();
    // introduced alone: open-ended
    expect(inRange('99.0.0', range('SEMVER', [{ introduced: '1.0.0' }]))).toEqual({ introduced: '1.0.0' });
  });

  it('uses versions[] enumerations, ignores GIT ranges, and describes an interval', () => {
    expect(isAffected('1.4.2', { versions: ['1.4.2', '1.4.3'] })).toEqual({
      affected: true,
      interval: null,
      listed: true,
    });
    expect(isAffected('1.4.4', { versions: ['1.4.2'] })).toEqual({ affected: false });
    expect(inRange('1.0', range('GIT', [{ introduced: '0' }]))).toBeNull();
    expect(describeInterval({ introduced: '7.2.0', fixed: '7.2.2' })).toBe('>=7.2.0 <7.2.2');
    expect(describeInterval({ introduced: '0', last_affected: '1.4.2' })).toBe('>=0 <=1.4.2');
  });

  it('evaluates the fixtures: Debian with an epoch, Cisco rebuilds, PAN-OS hotfixes', () => {
    const deb = debRecord.affected[0];
    expect(isAffected('1:9.2p1-2+deb12u2', deb).affected).toBe(true);
    expect(isAffected('1:9.2p1-2+deb12u3', deb).affected).toBe(false);
    const iosxe = osvVendor[0].affected[0];
    expect(isAffected('17.9.4', iosxe)).toMatchObject({ interval: { introduced: '17.9.0', fixed: '17.9.4a' } });
    expect(isAffected('17.9.4a', iosxe).affected).toBe(false);
    expect(isAffected('17.12.1', iosxe).affected).toBe(false);
    const panos = osvVendor[1].affected[0];
    expect(isAffected('10.2.9', panos).affected).toBe(true);
    expect(isAffected('10.2.9-h1', panos).affected).toBe(false);
    expect(isAffected('11.1.2-h1', panos).affected).toBe(true);
  });
});

describe('CVSS v3 base score', () => {
  it('follows the specification, Roundup included', () => {
    // ISS 0.914816, impact 5.873, exploitability 3.887: 9.760 -> 9.8
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    // scope changed: 1.08 x (6.047 + 3.887) = 10.7 -> capped 10.0
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')).toBe(10);
    // availability only: 6.42 x 0.56 = 3.595 + 3.887 = 7.482 -> 7.5
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H')).toBe(7.5);
    // PR:H (0.27): 5.873 + 1.235 = 7.108 -> 7.2
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H')).toBe(7.2);
    // integrity low: 6.42 x 0.22 = 1.412 + 3.887 = 5.299 -> 5.3 (NVD's score of CVE-2023-36844)
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N')).toBe(5.3);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N')).toBe(0);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L')).toBeNull();
    expect(cvss3BaseScore('CVSS:2.0/AV:N')).toBeNull();
    // the specification's examples of Roundup
    expect(roundUp(4.02)).toBe(4.1);
    expect(roundUp(4.0)).toBe(4);
    expect([9.8, 7.5, 5.3, 3.9, 0].map(severityOf)).toEqual(['critical', 'high', 'medium', 'low', 'none']);
  });
});

describe('parsing feeds', () => {
  it('detects and reads a KEV catalogue', () => {
    expect(detectFormat(kev)).toBe('kev');
    expect(detectFormat(goRecord)).toBe('osv');
    expect(detectFormat([goRecord])).toBe('osv');
    expect(detectFormat({ hello: 1 })).toBeNull();
    const { format, entries } = parseFeedDocument(kev);
    expect(format).toBe('kev');
    expect(entries).toHaveLength(8);
    expect(entries.find((e) => e.vuln_id === 'CVE-2022-40684')).toMatchObject({
      known_exploited: true,
      due_date: '2022-11-01',
      date_added: '2022-10-11',
      vendor: 'Fortinet',
      affected: [],
    });
  });

  it('names the path of a bad field', () => {
    const bad = structuredClone(kev);
    bad.vulnerabilities[3].dueDate = '1 Nov 2022';
    const err = (() => {
      try {
        parseFeedDocument(bad);
      } catch (e) {
        return e as ProblemError;
      }
    })();
    expect(err?.status).toBe(422);
    expect(err?.errors?.map((e) => e.field)).toEqual(['vulnerabilities[3].dueDate']);
    const badOsv = structuredClone(osvVendor) as any[];
    badOsv[1].affected[0].ranges[0].events[0] = { introduced: '1', fixed: '2' };
    expect(() => parseFeedDocument(badOsv)).toThrow(ProblemError);
    try {
      parseFeedDocument(badOsv);
    } catch (e) {
      expect((e as ProblemError).errors?.[0].field).toBe('[1].affected[0].ranges[0].events[0]');
    }
    try {
      parseFeedDocument({ hello: 1 });
    } catch (e) {
      expect((e as ProblemError).errors?.[0].field).toBe('(body)');
    }
  });

  it('merges an OSV record into the KEV entry of the CVE it aliases', () => {
    const merged = mergeEntries([...parseFeedDocument(kev).entries, ...parseFeedDocument(goRecord).entries]);
    expect(merged).toHaveLength(8);
    const e = merged.find((x) => x.vuln_id === 'CVE-2023-44487')!;
    expect(e).toMatchObject({
      known_exploited: true,
      due_date: '2023-10-31',
      cvss_score: 7.5,
      severity: 'high',
      sources: ['kev', 'osv:GO-2023-2102'],
      title: 'HTTP/2 Rapid Reset Attack Vulnerability',
    });
    expect(e.aliases).toEqual(['GO-2023-2102', 'GHSA-qppj-fm5r-hxr3', 'GHSA-4374-p667-p6c8']);
    expect(e.affected[0].package).toEqual({ ecosystem: 'Go', name: 'golang.org/x/net' });
    // severity from database_specific when there is no vector
    const ami = parseFeedDocument(osvVendor).entries.find((x) => x.vuln_id === 'CVE-2024-54085')!;
    expect(ami).toMatchObject({ severity: 'critical', cvss_score: null });
  });
});

describe('product matching', () => {
  it('normalises names through the alias table', () => {
    expect(productKey('Cisco IOS XE Software')).toBe('ios xe');
    expect(productKey('IOS-XE')).toBe('ios xe');
    expect(productKey('VMware ESXi')).toBe('esxi');
    expect(productKey('NetScaler ADC and NetScaler Gateway')).toBe('netscaler adc');
    expect(vendorKey('Palo Alto Networks')).toBe('paloalto');
    expect(vendorKey('Dell Inc.')).toBe('dell');
    expect(vendorKey('Acme')).toBeNull();
  });

  it('finds the versioned parts of assets, and nothing from empty fields', () => {
    expect(
      componentsOf({ kind: 'network_device', manufacturer: 'Cisco', model: 'Catalyst 9300', os_version: '17.9.4' }),
    ).toEqual([{ component: 'os', label: 'IOS XE', product: 'ios xe', vendor: 'cisco', version: '17.9.4' }]);
    expect(
      componentsOf({ kind: 'network_device', manufacturer: 'Cisco', os_version: 'IOS-XE 17.9.4a' })[0],
    ).toMatchObject({ product: 'ios xe', version: '17.9.4a' });
    expect(
      componentsOf({ kind: 'network_device', manufacturer: 'Fortinet', os_version: 'v7.2.1 build1254' })[0],
    ).toMatchObject({
      product: 'fortios',
      version: '7.2.1',
    });
    expect(
      componentsOf({ kind: 'network_device', manufacturer: 'Fortinet', os_version: 'FortiOS v7.2.1 build1254' })[0],
    ).toMatchObject({
      product: 'fortios',
      version: '7.2.1',
    });
    // a Cisco box of unknown platform: no guess
    expect(
      componentsOf({ kind: 'network_device', manufacturer: 'Cisco', model: 'Mystery', os_version: '17.9.4' }),
    ).toEqual([]);
    expect(
      componentsOf({
        kind: 'server',
        manufacturer: 'Dell Inc.',
        os: 'VMware ESXi',
        os_version: '8.0.2',
        firmware_version: '7.00.00.171',
        bios_version: '2.2.4',
      }),
    ).toEqual([
      { component: 'os', label: 'VMware ESXi', product: 'esxi', vendor: 'dell', version: '8.0.2' },
      { component: 'firmware', label: 'iDRAC', product: 'idrac', vendor: 'dell', version: '7.00.00.171' },
      { component: 'bios', label: 'Dell Inc. BIOS', product: 'dell inc bios', vendor: 'dell', version: '2.2.4' },
    ]);
    expect(componentsOf({ kind: 'vm', os: 'Ubuntu 22.04' })).toEqual([
      { component: 'os', label: 'Ubuntu', product: 'ubuntu', vendor: null, version: '22.04' },
    ]);
    expect(componentsOf({ kind: 'server', os: 'Ubuntu' })).toEqual([]);
  });

  const catalogue: CatalogueRow[] = parseFeedDocument(osvVendor).entries.map((e, i) => ({
    id: i + 1,
    vuln_id: e.vuln_id,
    severity: e.severity,
    known_exploited: true,
    due_date: e.vuln_id === 'CVE-2022-40684' ? '2022-11-01' : null,
    affected: e.affected,
  }));

  it('matches affected versions only, and explains the match', () => {
    const fw = (v: string) => componentsOf({ kind: 'network_device', manufacturer: 'Fortinet', os_version: v });
    const [m] = matchComponents(fw('7.2.1'), catalogue);
    expect(m).toMatchObject({
      component: 'os',
      installed_version: '7.2.1',
      fixed_version: '7.2.2',
      severity: 'critical',
    });
    expect(catalogue.find((c) => c.id === m.vulnerability_id)!.vuln_id).toBe('CVE-2022-40684');
    expect(matchComponents(fw('7.2.2'), catalogue)).toEqual([]);
    // a KEV vendor's other product at the same version is not matched
    expect(
      matchComponents(
        componentsOf({ kind: 'network_device', manufacturer: 'Juniper', os_version: '7.2.1' }),
        catalogue,
      ),
    ).toEqual([]);
    const esxi = matchComponents(componentsOf({ kind: 'server', os: 'ESXi', os_version: '7.0 U3' }), catalogue);
    expect(esxi.map((x) => x.fixed_version)).toEqual(['8.0.3']);
    expect(
      explainFinding({
        vuln_id: 'CVE-2022-40684',
        installed_version: '7.2.1',
        asset_name: 'fw-edge-01',
        affected: catalogue.find((c) => c.vuln_id === 'CVE-2022-40684')!.affected,
        fixed_version: '7.2.2',
        known_exploited: true,
        due_date: '2022-11-01',
        status: 'open',
        today: '2026-01-01',
      }),
    ).toBe(
      'FortiOS 7.2.1 on fw-edge-01 is in the affected range >=7.2.0 <7.2.2 of CVE-2022-40684 (fixed in 7.2.2); known exploited, due 2022-11-01, overdue',
    );
  });
});

describe('risk scores', () => {
  const today = '2026-01-01';
  const f = (over: object) => ({
    severity: 'high',
    status: 'open',
    known_exploited: false,
    due_date: null,
    rack_id: 1,
    datacenter_id: 10,
    ...over,
  });

  it('weighs severity, known exploitation and lateness', () => {
    expect(findingRisk(f({ severity: 'critical', known_exploited: true, due_date: '2025-12-31' }), today)).toBe(30); // 10 x 2 x 1.5
    expect(findingRisk(f({ severity: 'critical', known_exploited: true, due_date: today }), today)).toBe(20); // due today: not late
    expect(findingRisk(f({ severity: 'medium' }), today)).toBe(2);
    expect(findingRisk(f({ severity: 'critical', status: 'accepted' }), today)).toBe(0);
  });

  it('adds devices up per rack and datacenter', () => {
    const { racks, datacenters, total } = aggregateRisk(
      [
        f({ severity: 'critical', known_exploited: true, due_date: '2025-01-01' }), // 30
        f({ severity: 'high' }), // 5
        f({ severity: 'medium', known_exploited: true, due_date: '2099-01-01', rack_id: 2 }), // 4
        f({ severity: 'low', status: 'fixed', rack_id: 2 }), // 0, not counted
      ],
      today,
    );
    expect(racks.get(1)).toEqual({
      score: 35,
      open: 2,
      by_severity: { critical: 1, high: 1 },
      known_exploited: 1,
      overdue_kev: 1,
    });
    expect(racks.get(2)!.score).toBe(4);
    expect(datacenters.get(10)!.score).toBe(39);
    expect(total.open).toBe(3);
  });
});

describe('configuration rules', () => {
  it('knows publicly routable addresses', () => {
    expect(isPubliclyRoutable('8.8.8.8')).toBe(true);
    expect(isPubliclyRoutable('2606:4700::1111')).toBe(true);
    expect(
      ['10.0.0.1', '192.168.1.1', '172.16.0.1', '100.64.0.1', '127.0.0.1', '2001:db8::1', 'fd00::1', 'nope'].map(
        isPubliclyRoutable,
      ),
    ).toEqual(Array(8).fill(false));
  });

  it('finds racks without a second power side, and agent-flagged credentials', () => {
    const feedA = { id: 1, name: 'Feed-A', side: 'A', status: 'active' };
    const feedB = { id: 2, name: 'Feed-B', side: 'B', status: 'active' };
    const out = powerFindings([
      {
        id: 1,
        name: 'R1',
        datacenter_id: 1,
        pdus: [
          { id: 1, name: 'P1', feed: feedA },
          { id: 2, name: 'P2', feed: feedA },
        ],
      },
      {
        id: 2,
        name: 'R2',
        datacenter_id: 1,
        pdus: [
          { id: 3, name: 'P3', feed: feedA },
          { id: 4, name: 'P4', feed: feedB },
        ],
      },
      { id: 3, name: 'R3', datacenter_id: 1, pdus: [] },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ rule: 'power_not_redundant', asset_id: 1, link: '/racks/1' });
    expect(out[0].explanation).toBe('Rack R1 has no redundant power: all its fed PDUs draw from side A (Feed-A).');
    const creds = credentialFindings([
      { server_id: 5, name: 'db-01', rack_id: 1, datacenter_id: 1, service: 'ipmi', value: 1 },
      { server_id: 6, name: 'db-02', rack_id: 1, datacenter_id: 1, service: 'ipmi', value: 0 },
    ]);
    expect(creds.map((c) => [c.asset_id, c.severity, c.link])).toEqual([[5, 'critical', '/servers/5']]);
  });
});
