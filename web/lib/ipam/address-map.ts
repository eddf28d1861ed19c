// The cells of a small IPv4 prefix's address map: every address with what holds it. Pure, for the detail page.
import { formatAddress, parsePrefix } from '$worker/ipam/cidr';
import { isReservedEdge } from '$worker/ipam/space';
import type { IpAddress } from './types';

export type CellState = 'used' | 'reserved' | 'edge' | 'free';
export interface Cell {
  address: string;
  state: CellState;
  title: string;
  id: number | null;
}

/** Maps are drawn for IPv4 /24 or smaller: at most 256 cells. */
export const MAP_MIN_LENGTH = 24;

export function addressMap(prefix: string, isPool: boolean, addresses: IpAddress[]): Cell[] | null {
  const p = parsePrefix(prefix);
  if (!p.ok || p.value.family !== 4 || p.value.length < MAP_MIN_LENGTH) return null;
  const byAddress = new Map(addresses.map((a) => [a.address, a]));
  const cells: Cell[] = [];
  for (let v = p.value.network; v <= p.value.broadcast; v++) {
    const address = formatAddress(4, v);
    const a = byAddress.get(address);
    if (a) {
      const who = a.assigned_name ? ` · ${a.assigned_name}` : '';
      const dns = a.dns_name ? ` · ${a.dns_name}` : '';
      cells.push({
        address,
        state: a.status === 'reserved' || a.status === 'deprecated' ? 'reserved' : 'used',
        title: `${address}${who}${dns} (${a.status})`,
        id: a.id,
      });
    } else if (isReservedEdge(p.value, v, isPool)) {
      const what = v === p.value.network ? 'network' : 'broadcast';
      cells.push({ address, state: 'edge', title: `${address} · ${what} address`, id: null });
    } else {
      cells.push({ address, state: 'free', title: `${address} · free`, id: null });
    }
  }
  return cells;
}
