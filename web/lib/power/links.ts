/** Where a rack-mounted device's own page is (the same routes the rack elevation links to). */
export const deviceHref = (kind: string, id: number) =>
  kind === 'server' ? `/servers/${id}` : kind === 'storage' ? `/storage/${id}` : `/network/${id}`;

/** allocated / limit as a percentage for the utilisation bars (0 when there is no limit). */
export const pctOf = (used: number, limit: number) => (limit > 0 ? (used / limit) * 100 : 0);
