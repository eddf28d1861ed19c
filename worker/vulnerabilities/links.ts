/** Where the UI shows an asset (the rack elevation links the same paths). */
export const ASSET_KINDS = ['server', 'vm', 'network_device', 'storage_system'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

const BASE: Record<string, string> = {
  server: '/servers',
  vm: '/vms',
  network_device: '/network',
  storage_system: '/storage',
  rack: '/racks',
  pdu: '/power/pdus',
};

export const assetLink = (kind: string, id: number) => `${BASE[kind] ?? `/${kind}`}/${id}`;
