// A readable device name from a User-Agent header: "Chrome on Linux", "Safari on iPhone", "curl 8.5".
// Deliberately small: the sessions list needs a recognisable label, not a full parser.

export interface Device {
  /** "Chrome on Linux" */
  label: string;
  kind: 'desktop' | 'mobile' | 'cli';
}

const BROWSERS: [RegExp, string][] = [
  [/HeadlessChrome\//, 'Headless Chrome'],
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Vivaldi\//, 'Vivaldi'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/CriOS\//, 'Chrome'],
  [/Chromium\//, 'Chromium'],
  [/Chrome\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
];

const CLIENTS: [RegExp, string][] = [
  [/^curl\/([\d.]+)/i, 'curl'],
  [/^Wget\/([\d.]+)/i, 'Wget'],
  [/^python-requests\/([\d.]+)/i, 'Python requests'],
  [/^python-httpx\/([\d.]+)/i, 'Python httpx'],
  [/^PostmanRuntime\/([\d.]+)/i, 'Postman'],
  [/^Go-http-client\/([\d.]+)/i, 'Go HTTP client'],
  [/^(?:node|undici)/i, 'Node.js'],
  [/^HTTPie\/([\d.]+)/i, 'HTTPie'],
];

function osOf(ua: string): { os: string; mobile: boolean } | null {
  if (/iPhone/.test(ua)) return { os: 'iPhone', mobile: true };
  if (/iPad/.test(ua)) return { os: 'iPad', mobile: true };
  if (/Android/.test(ua)) return { os: 'Android', mobile: true };
  if (/CrOS/.test(ua)) return { os: 'ChromeOS', mobile: false };
  if (/Windows/.test(ua)) return { os: 'Windows', mobile: false };
  if (/Mac OS X|Macintosh/.test(ua)) return { os: 'macOS', mobile: false };
  if (/Linux|X11/.test(ua)) return { os: 'Linux', mobile: false };
  return null;
}

export function describeDevice(ua: string | null | undefined): Device {
  if (!ua) return { label: 'Unknown device', kind: 'desktop' };
  for (const [re, name] of CLIENTS) {
    const m = ua.match(re);
    if (m) return { label: m[1] ? `${name} ${m[1]}` : name, kind: 'cli' };
  }
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const os = osOf(ua);
  if (browser && os) return { label: `${browser} on ${os.os}`, kind: os.mobile ? 'mobile' : 'desktop' };
  if (browser) return { label: browser, kind: 'desktop' };
  if (os) return { label: `Browser on ${os.os}`, kind: os.mobile ? 'mobile' : 'desktop' };
  // an unrecognised client: its product token ("MyAgent/1.2 (…)" → "MyAgent 1.2")
  const token = ua.match(/^([A-Za-z][\w.-]{0,30})\/([\d.]+)/);
  return { label: token ? `${token[1]} ${token[2]}` : ua.slice(0, 40), kind: 'cli' };
}
