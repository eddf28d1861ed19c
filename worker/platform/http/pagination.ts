/** RFC 8288 Link header for offset pagination: first, prev, next, last (only those that exist). */
export function paginationLinks(url: URL, total: number, limit: number, offset: number): string {
  const at = (o: number) => {
    const u = new URL(url);
    u.searchParams.set('limit', String(limit));
    u.searchParams.set('offset', String(o));
    return `<${u.pathname}${u.search}>`;
  };
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [`${at(0)}; rel="first"`];
  if (offset > 0) links.push(`${at(Math.max(0, Math.min(offset - limit, lastOffset)))}; rel="prev"`);
  if (offset + limit < total) links.push(`${at(offset + limit)}; rel="next"`);
  links.push(`${at(lastOffset)}; rel="last"`);
  return links.join(', ');
}
