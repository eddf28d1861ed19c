// Names as inventories and feeds write them, brought to one key: "Cisco IOS XE Software", "IOS-XE" and "iosxe"
// are all `ios xe`; "Palo Alto Networks" and "paloalto" are both `paloalto`. Unknown names keep their normalised
// form, so two spellings that differ only in case and punctuation still meet.

export const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const VENDORS: Record<string, string[]> = {
  cisco: ['cisco', 'cisco systems'],
  paloalto: ['palo alto networks', 'palo alto', 'paloalto', 'pan'],
  fortinet: ['fortinet'],
  vmware: ['vmware', 'broadcom', 'vmware by broadcom'],
  juniper: ['juniper', 'juniper networks'],
  citrix: ['citrix', 'netscaler', 'cloud software group'],
  ami: ['ami', 'american megatrends'],
  dell: ['dell', 'dell inc', 'dell emc', 'dell technologies'],
  hpe: ['hpe', 'hp', 'hewlett packard enterprise', 'hewlett packard'],
  arista: ['arista', 'arista networks'],
  netapp: ['netapp'],
  purestorage: ['pure storage', 'purestorage', 'pure'],
  supermicro: ['supermicro', 'super micro computer'],
  lenovo: ['lenovo'],
};

const PRODUCTS: Record<string, string[]> = {
  'ios xe': ['ios xe', 'iosxe', 'ios xe software', 'cisco ios xe', 'cisco ios xe software'],
  'nx os': ['nx os', 'nxos', 'cisco nx os'],
  asa: ['asa', 'adaptive security appliance', 'cisco asa'],
  'pan os': ['pan os', 'panos'],
  fortios: ['fortios', 'fortigate'],
  esxi: ['esxi', 'vmware esxi', 'vsphere esxi', 'vmware vsphere hypervisor'],
  'junos os': ['junos', 'junos os', 'juniper junos', 'juniper junos os'],
  'netscaler adc': [
    'netscaler adc',
    'netscaler',
    'citrix adc',
    'netscaler gateway',
    'netscaler adc and netscaler gateway',
    'citrix netscaler adc',
  ],
  'megarac spx': ['megarac spx', 'megarac', 'ami megarac spx'],
  idrac: ['idrac', 'idrac9', 'idrac 9', 'integrated dell remote access controller'],
  ilo: ['ilo', 'ilo 5', 'ilo 6', 'integrated lights out'],
  eos: ['eos', 'arista eos'],
  ontap: ['ontap', 'data ontap', 'netapp ontap'],
  purity: ['purity', 'purity fa', 'purity//fa'],
};

const index = (table: Record<string, string[]>) => {
  const m = new Map<string, string>();
  for (const [key, names] of Object.entries(table)) for (const n of names) m.set(normalise(n), key);
  return m;
};
const VENDOR_OF = index(VENDORS);
const PRODUCT_OF = index(PRODUCTS);

export const vendorKey = (name: string | null | undefined): string | null =>
  name ? (VENDOR_OF.get(normalise(name)) ?? null) : null;

export function productKey(name: string): string {
  const n = normalise(name);
  return PRODUCT_OF.get(n) ?? n;
}

/** A BMC's firmware, named by the server's maker (Supermicro and others vary by board: not guessed). */
const BMC: Record<string, string> = { dell: 'idrac', hpe: 'ilo', ami: 'megarac spx' };
/** What a network device runs when its version carries no OS name. Cisco depends on the platform. */
const NETWORK_OS: Record<string, string> = {
  paloalto: 'pan os',
  fortinet: 'fortios',
  juniper: 'junos os',
  citrix: 'netscaler adc',
  arista: 'eos',
};
const STORAGE_OS: Record<string, string> = { netapp: 'ontap', purestorage: 'purity' };

function ciscoOs(model: string | null): string | null {
  const m = normalise(model ?? '');
  if (/\b(catalyst|c9\d{3}|c8\d{3}|isr|asr 1|asr1)/.test(m)) return 'ios xe';
  if (/\b(nexus|n9k|n7k|n5k|n3k)/.test(m)) return 'nx os';
  if (/\b(asa|firepower)/.test(m)) return 'asa';
  return null;
}

/** One versioned part of an asset, as the matcher sees it. */
export interface Component {
  component: 'os' | 'firmware' | 'bios';
  /** as the inventory shows it (for explanations) */
  label: string;
  product: string;
  vendor: string | null;
  version: string;
}

/** A version as devices print it: "v7.2.1 build1254" is 7.2.1 (the build number only repeats the release). */
const cleanVersion = (s: string) =>
  s
    .trim()
    .replace(/\s+build\s*\d+$/i, '')
    .replace(/^v(?=\d)/i, '');

/** "IOS-XE 17.9.4a", "FortiOS v7.2.1 build1254": an OS name written before its version. */
function splitNamed(s: string): { name: string; version: string } | null {
  const m = /^([A-Za-z][A-Za-z\s/_-]*?[A-Za-z])[\s_-]*v?(\d[\w.\-+ ]*)$/.exec(s.trim());
  return m ? { name: m[1].trim(), version: cleanVersion(m[2]) } : null;
}

export interface AssetFacts {
  kind: 'server' | 'vm' | 'network_device' | 'storage_system';
  manufacturer?: string | null;
  model?: string | null;
  os?: string | null;
  os_version?: string | null;
  firmware_version?: string | null;
  bios_version?: string | null;
  /** a VM's hypervisor is not its OS: kept out of matching */
  hypervisor?: string | null;
}

/** The components of an asset that carry a version. Fields left empty give nothing: no guessing. */
export function componentsOf(a: AssetFacts): Component[] {
  const out: Component[] = [];
  const vendor = vendorKey(a.manufacturer);
  const push = (component: Component['component'], label: string, product: string | null, version?: string | null) => {
    if (product && version && /\d/.test(version)) {
      out.push({ component, label, product, vendor, version: cleanVersion(version) });
    }
  };
  if (a.kind === 'server' || a.kind === 'vm') {
    if (a.os) {
      const named = !a.os_version ? splitNamed(a.os) : null;
      const osName = named?.name ?? a.os;
      push('os', osName, productKey(osName), named?.version ?? a.os_version);
    }
  }
  if (a.kind === 'server') {
    const bmc = vendor ? BMC[vendor] : undefined;
    push('firmware', bmc ? labelOf(bmc) : 'firmware', bmc ?? null, a.firmware_version);
    push(
      'bios',
      `${a.manufacturer ?? ''} BIOS`.trim(),
      a.manufacturer ? `${normalise(a.manufacturer)} bios` : null,
      a.bios_version,
    );
  }
  if (a.kind === 'network_device') {
    const raw = a.os_version ?? a.firmware_version;
    if (raw) {
      const named = splitNamed(raw);
      const product = named
        ? productKey(named.name)
        : vendor === 'cisco'
          ? ciscoOs(a.model ?? null)
          : vendor
            ? (NETWORK_OS[vendor] ?? null)
            : null;
      const label = named?.name ?? labelOf(product);
      push('os', label, product, named?.version ?? raw);
    }
  }
  if (a.kind === 'storage_system') {
    const product = vendor ? (STORAGE_OS[vendor] ?? null) : null;
    push('firmware', labelOf(product), product, a.firmware_version);
  }
  return out;
}

const LABELS: Record<string, string> = {
  'ios xe': 'IOS XE',
  'nx os': 'NX-OS',
  asa: 'ASA',
  'pan os': 'PAN-OS',
  fortios: 'FortiOS',
  'junos os': 'Junos OS',
  'netscaler adc': 'NetScaler ADC',
  eos: 'EOS',
  ontap: 'ONTAP',
  purity: 'Purity',
  esxi: 'ESXi',
  'megarac spx': 'MegaRAC SPx',
  idrac: 'iDRAC',
  ilo: 'iLO',
};
export const labelOf = (product: string | null) => (product ? (LABELS[product] ?? product) : '');

/** Whether an OSV package names this component: same product key, and the same vendor when both are vendors. */
export function packageMatches(pkg: { ecosystem: string; name: string }, c: Component): boolean {
  if (productKey(pkg.name) !== c.product) return false;
  const v = vendorKey(pkg.ecosystem);
  return !v || !c.vendor || v === c.vendor || c.component === 'os';
}
