/**
 * A generic version comparator for vendor firmware and OS versions, which are rarely semver: Cisco's 17.9.4a,
 * PAN-OS's 10.2.9-h1, Junos's 22.4R2-S1, NetScaler's 14.1-8.50, ESXi's "8.0 U3", Debian's 1:9.2p1-2+deb12u3.
 *
 * Rules, in order:
 * 1. Case is ignored; a leading "v" is dropped; an epoch ("1:") is compared first (missing = 0).
 * 2. An update written "U2" / "Update 2" after a space is the next dotted number: "8.0 U3" = 8.0.3.
 * 3. The rest splits into tokens: runs of digits (compared as numbers) and runs of letters (compared as text);
 *    every other character (. - _ + ~ space) only separates.
 * 4. Tokens are compared left to right. A number beats a word at the same place (7.1 > 7.a).
 * 5. When one version runs out first: if the other continues with a pre-release word (alpha, beta, rc, pre,
 *    preview, dev, snapshot) it is the smaller one (1.0-rc1 < 1.0); with anything else it is the larger one — a
 *    rebuild, hotfix or service release comes after its base (17.9.4 < 17.9.4a, 10.2.9 < 10.2.9-h1,
 *    22.4R2 < 22.4R2-S1, 8.0 < 8.0.1).
 */

type Token = number | string;
const PRE_RELEASE = new Set(['alpha', 'beta', 'rc', 'pre', 'preview', 'dev', 'snapshot']);

function split(version: string): { epoch: number; tokens: Token[] } {
  let s = version.trim().toLowerCase();
  let epoch = 0;
  const e = /^(\d+):(.+)$/.exec(s);
  if (e) {
    epoch = Number(e[1]);
    s = e[2];
  }
  s = s.replace(/^v(?=\d)/, '').replace(/\s+(?:u|update)\s*(\d+)/g, '.$1');
  const tokens: Token[] = [];
  for (const m of s.matchAll(/\d+|[a-z]+/g)) tokens.push(/^\d/.test(m[0]) ? Number(m[0]) : m[0]);
  return { epoch, tokens };
}

/** The generic comparison: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  const n = Math.max(x.tokens.length, y.tokens.length);
  for (let i = 0; i < n; i++) {
    const p = x.tokens[i];
    const q = y.tokens[i];
    if (p === undefined) return tail(q!) ? -1 : 1;
    if (q === undefined) return tail(p) ? 1 : -1;
    if (typeof p === 'number' && typeof q === 'number') {
      if (p !== q) return p - q;
    } else if (typeof p === 'number') return 1;
    else if (typeof q === 'number') return -1;
    else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/** Whether a version continuing with `t` is later than the version that stops before it. */
const tail = (t: Token) => typeof t === 'number' || !PRE_RELEASE.has(t);

/** Something that looks like a version at all (has a digit); free text is never compared. */
export const isVersion = (s: string | null | undefined): s is string => !!s && /\d/.test(s);
