import ipaddr from 'ipaddr.js';
import { assetLink } from './links';

// Configuration scanning from what the platform already knows. Pure: the facts are gathered in config-service.ts.

export const CONFIG_RULES = {
  mgmt_public_zone: { severity: 'high', title: 'Management interface in a public zone' },
  mgmt_public_ip: { severity: 'high', title: 'Management interface on a publicly routable address' },
  out_of_support: { severity: 'medium', title: 'Out of warranty or vendor support' },
  support_ending: { severity: 'low', title: 'Warranty or support ends within 30 days' },
  power_not_redundant: { severity: 'medium', title: 'Rack power is not redundant' },
  default_credentials: { severity: 'critical', title: 'Default credentials reported by an agent' },
} as const;
export type ConfigRule = keyof typeof CONFIG_RULES;

export interface ConfigFinding {
  rule: ConfigRule;
  title: string;
  severity: string;
  asset_kind: string;
  asset_id: number;
  asset_name: string;
  link: string;
  rack_id: number | null;
  datacenter_id: number | null;
  explanation: string;
}

export interface DeviceFacts {
  kind: string;
  id: number;
  name: string;
  status: string | null;
  management_ip: string | null;
  warranty_expires: string | null;
  rack_id: number | null;
  rack_name: string | null;
  /** the rack's security zone is the lowest one (Public), as the access resolver's inZone says */
  public_zone: boolean;
  datacenter_id: number | null;
}

export interface RackPowerFacts {
  id: number;
  name: string;
  datacenter_id: number;
  pdus: { id: number; name: string; feed: { id: number; name: string; side: string; status: string } | null }[];
}

export interface CredentialFacts {
  server_id: number;
  name: string;
  rack_id: number;
  datacenter_id: number;
  /** the metric's labels: service="ipmi" */
  service: string;
  value: number;
}

const finding = (
  rule: ConfigRule,
  d: { kind: string; id: number; name: string; rack_id: number | null; datacenter_id: number | null },
  explanation: string,
): ConfigFinding => ({
  rule,
  title: CONFIG_RULES[rule].title,
  severity: CONFIG_RULES[rule].severity,
  asset_kind: d.kind,
  asset_id: d.id,
  asset_name: d.name,
  link: assetLink(d.kind, d.id),
  rack_id: d.rack_id,
  datacenter_id: d.datacenter_id,
  explanation,
});

/** Public unicast: not private, loopback, link-local, CGNAT, documentation or other reserved space. */
export function isPubliclyRoutable(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const addr = ipaddr.process(ip);
  return addr.range() === 'unicast';
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function deviceFindings(devices: DeviceFacts[], today: string): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  const soon = addDays(today, 30);
  for (const d of devices) {
    if (d.status === 'decommissioned') continue;
    if (d.management_ip && d.public_zone) {
      out.push(
        finding(
          'mgmt_public_zone',
          d,
          `${d.name} has its management interface (${d.management_ip}) in rack ${d.rack_name}, whose security zone is Public.`,
        ),
      );
    }
    if (d.management_ip && isPubliclyRoutable(d.management_ip)) {
      out.push(
        finding(
          'mgmt_public_ip',
          d,
          `${d.name}'s management address ${d.management_ip} is publicly routable; management should sit on a private network.`,
        ),
      );
    }
    if (d.warranty_expires && d.warranty_expires < today) {
      out.push(finding('out_of_support', d, `${d.name}'s warranty ended on ${d.warranty_expires}.`));
    } else if (d.warranty_expires && d.warranty_expires <= soon) {
      out.push(finding('support_ending', d, `${d.name}'s warranty ends on ${d.warranty_expires}, within 30 days.`));
    }
  }
  return out;
}

/**
 * A rack with PDUs is redundant when its PDUs draw from feeds on at least two sides (A and B). A PDU without a
 * feed is named too. Racks without PDUs are not judged: the platform knows nothing of their power.
 */
export function powerFindings(racks: RackPowerFacts[]): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  for (const r of racks) {
    if (!r.pdus.length) continue;
    const fed = r.pdus.filter((p) => p.feed);
    const sides = [...new Set(fed.map((p) => p.feed!.side))];
    const unfed = r.pdus.filter((p) => !p.feed);
    if (sides.length >= 2 && !unfed.length) continue;
    const parts: string[] = [];
    if (sides.length < 2) {
      parts.push(
        fed.length
          ? `all its fed PDUs draw from side ${sides[0]} (${[...new Set(fed.map((p) => p.feed!.name))].join(', ')})`
          : 'none of its PDUs has a feed',
      );
    }
    if (unfed.length)
      parts.push(`${unfed.map((p) => p.name).join(', ')} ${unfed.length === 1 ? 'has' : 'have'} no feed`);
    const rack = { kind: 'rack', id: r.id, name: r.name, rack_id: r.id, datacenter_id: r.datacenter_id };
    if (sides.length >= 2) {
      out.push({ ...finding('power_not_redundant', rack, `Rack ${r.name}: ${parts.join('; ')}.`), severity: 'low' });
    } else {
      out.push(finding('power_not_redundant', rack, `Rack ${r.name} has no redundant power: ${parts.join('; ')}.`));
    }
  }
  return out;
}

export function credentialFindings(flags: CredentialFacts[]): ConfigFinding[] {
  return flags
    .filter((f) => f.value >= 1)
    .map((f) =>
      finding(
        'default_credentials',
        { kind: 'server', id: f.server_id, name: f.name, rack_id: f.rack_id, datacenter_id: f.datacenter_id },
        `An agent on ${f.name} reports default credentials on ${f.service || 'a service'} (security_default_credentials${f.service ? `{service="${f.service}"}` : ''} = ${f.value}).`,
      ),
    );
}
