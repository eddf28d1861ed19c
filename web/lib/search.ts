// The global search (GET /api/search) as the top bar's type-ahead sees it: hits flattened into one option list,
// grouped by kind, in the order the API ranked them.
import { api } from './api';
import type { IconName } from './components/Icon.svelte';
import type { SearchResults } from '../../worker/search/types';

export type { SearchResults };

export type SearchKind = 'datacenters' | 'racks' | 'servers';

export interface SearchOption {
  id: string;
  kind: SearchKind | 'all';
  label: string;
  sub: string;
  href: string;
}

export const KIND_LABEL: Record<SearchKind, string> = {
  datacenters: 'Datacenters',
  racks: 'Racks',
  servers: 'Servers',
};
export const KIND_ICON: Record<SearchKind | 'all', IconName> = {
  datacenters: 'building',
  racks: 'rack',
  servers: 'server',
  all: 'search',
};
export const SEARCH_KINDS: SearchKind[] = ['datacenters', 'racks', 'servers'];
/** the API refuses longer queries */
export const SEARCH_MAX_LENGTH = 200;

const MATCHED_LABEL: Record<string, string> = {
  serial_number: 'S/N',
  ip_address: 'IP',
  management_ip: 'Mgmt IP',
  location: 'Location',
};

export function searchRequest(q: string, signal?: AbortSignal) {
  return api.get<SearchResults>('/search', { query: { q, limit: 5 }, signal });
}

/** The options in display order: each kind's hits, then "all servers matching" as the last resort. */
export function toOptions(r: SearchResults): SearchOption[] {
  const out: SearchOption[] = [];
  for (const d of r.datacenters)
    out.push({
      id: `datacenters-${d.id}`,
      kind: 'datacenters',
      label: d.name,
      sub: d.location ?? '',
      href: `/datacenters/${d.id}`,
    });
  for (const k of r.racks)
    out.push({
      id: `racks-${k.id}`,
      kind: 'racks',
      label: k.name,
      sub: [k.datacenter_name, k.security_zone].filter(Boolean).join(' · '),
      href: `/racks/${k.id}`,
    });
  for (const s of r.servers) {
    const via = MATCHED_LABEL[s.matched];
    const shown = via ? `${via} ${s[s.matched as 'serial_number' | 'ip_address' | 'management_ip']}` : s.serial_number;
    out.push({
      id: `servers-${s.id}`,
      kind: 'servers',
      label: s.name,
      sub: [shown, s.rack_name].filter(Boolean).join(' · '),
      href: `/servers/${s.id}`,
    });
  }
  out.push({
    id: 'all',
    kind: 'all',
    label: `All servers matching “${r.q}”`,
    sub: '',
    href: `/servers?q=${encodeURIComponent(r.q)}`,
  });
  return out;
}
