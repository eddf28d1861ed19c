/**
 * RFC 8288 Link header: first, prev, next, last (only those that exist). An offset page links by offset; a
 * keyset page (`after` given) links its next page by cursor, and has no "prev" (a cursor only goes forward).
 */
export function paginationLinks(
  url: URL,
  total: number,
  limit: number,
  offset: number,
  keyset?: { next: string | undefined },
): string {
  const at = (o: number) => {
    const u = new URL(url);
    u.searchParams.delete('after');
    u.searchParams.set('limit', String(limit));
    u.searchParams.set('offset', String(o));
    return `<${u.pathname}${u.search}>`;
  };
  if (keyset) {
    const links = [`${at(0)}; rel="first"`];
    if (keyset.next) {
      const u = new URL(url);
      u.searchParams.set('limit', String(limit));
      u.searchParams.set('after', keyset.next);
      links.push(`<${u.pathname}${u.search}>; rel="next"`);
    }
    return links.join(', ');
  }
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [`${at(0)}; rel="first"`];
  if (offset > 0) links.push(`${at(Math.max(0, Math.min(offset - limit, lastOffset)))}; rel="prev"`);
  if (offset + limit < total) links.push(`${at(offset + limit)}; rel="next"`);
  links.push(`${at(lastOffset)}; rel="last"`);
  return links.join(', ');
}
