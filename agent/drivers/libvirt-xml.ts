// Domain XML that the libvirt driver writes (create) or rewrites (clone, snapshot-based clone). String work, not a
// DOM: libvirt prints its XML in one canonical layout, and a parser would be the agent's only dependency for it.
import { randomUUID } from 'node:crypto';
import type { VmSpec } from './types.ts';

/** our own namespace in <metadata>: the platform's facts about a VM that libvirt has no field for */
export const DCP_NS = 'https://dc-platform.dev/agent/vm/1';

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');

export interface DiskVolume {
  pool: string;
  volume: string;
}

export function domainXml(
  name: string,
  spec: VmSpec,
  options: { domainType: string; disk?: DiskVolume; network: string },
): string {
  const kib = Math.round(spec.ram_gb * 1024 * 1024);
  const meta = [
    spec.os ? ` os='${escapeXml(spec.os)}'` : '',
    spec.network_type ? ` network_type='${escapeXml(spec.network_type)}'` : '',
  ].join('');
  const disk = options.disk
    ? `    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='${escapeXml(options.disk.pool)}' volume='${escapeXml(options.disk.volume)}'/>
      <target dev='vda' bus='virtio'/>
    </disk>\n`
    : '';
  const vlan = spec.vlan ? `      <vlan><tag id='${escapeXml(spec.vlan)}'/></vlan>\n` : '';
  return `<domain type='${options.domainType}'>
  <name>${escapeXml(name)}</name>
  <uuid>${randomUUID()}</uuid>
  <metadata>
    <dcp:vm xmlns:dcp='${DCP_NS}'${meta}/>
  </metadata>
  <memory unit='KiB'>${kib}</memory>
  <currentMemory unit='KiB'>${kib}</currentMemory>
  <vcpu placement='static'>${spec.cpu_cores}</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
    <boot dev='hd'/>
  </os>
  <devices>
${disk}    <interface type='network'>
      <source network='${escapeXml(options.network)}'/>
${vlan}      <model type='virtio'/>
    </interface>
  </devices>
</domain>
`;
}

/** The <domain> inside `snapshot-dumpxml`: the VM's definition as it was when the snapshot was taken. */
export function domainOfSnapshot(snapshotXml: string): string {
  const m = /<domain[\s>][\s\S]*<\/domain>/.exec(snapshotXml);
  if (!m) throw new Error('the snapshot carries no domain definition');
  return m[0];
}

export function volumeDisks(xml: string): DiskVolume[] {
  const out: DiskVolume[] = [];
  for (const disk of xml.match(/<disk type='volume'[\s\S]*?<\/disk>/g) ?? []) {
    const src = /<source pool='([^']+)' volume='([^']+)'/.exec(disk);
    if (src) out.push({ pool: src[1], volume: src[2] });
  }
  return out;
}

/**
 * A clone's definition: new name and uuid, MAC addresses and the running id dropped (libvirt assigns fresh ones
 * so the clone does not collide with its source on the network), volumes swapped for their copies, and the
 * lineage (source VM, snapshot) recorded in our metadata.
 */
export function cloneXml(
  sourceXml: string,
  clone: { name: string; source: string; snapshot?: string; volumes: Map<string, string> },
): string {
  let xml = sourceXml
    .replace(/<domain type='([^']+)' id='[^']*'>/, `<domain type='$1'>`)
    .replace(/<name>[^<]*<\/name>/, `<name>${escapeXml(clone.name)}</name>`)
    .replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${randomUUID()}</uuid>`)
    .replace(/\s*<mac address='[^']*'\/>/g, '');
  for (const [from, to] of clone.volumes) {
    xml = xml.replace(`volume='${escapeXml(from)}'`, `volume='${escapeXml(to)}'`);
  }
  const lineage = `<dcp:clone xmlns:dcp='${DCP_NS}' source='${escapeXml(clone.source)}'${
    clone.snapshot ? ` snapshot='${escapeXml(clone.snapshot)}'` : ''
  }/>`;
  // a clone of a clone keeps only its own parent: the chain is walked through each parent's metadata
  xml = xml.replace(/\s*<dcp:clone [^>]*\/>/g, '');
  return /<metadata>/.test(xml)
    ? xml.replace('<metadata>', `<metadata>\n    ${lineage}`)
    : xml.replace(/(<\/uuid>)/, `$1\n  <metadata>\n    ${lineage}\n  </metadata>`);
}

/** The lineage cloneXml recorded, read back from `dumpxml`. */
export function lineageOf(xml: string): { source: string; snapshot?: string } | null {
  // libvirt re-serialises metadata with libxml2, which may switch the quotes
  const tag = /<dcp:clone [^>]*\/>/.exec(xml)?.[0];
  if (!tag) return null;
  const attr = (n: string) => new RegExp(`${n}=['"]([^'"]*)['"]`).exec(tag)?.[1];
  const source = attr('source');
  const snapshot = attr('snapshot');
  return source === undefined ? null : { source, ...(snapshot ? { snapshot } : {}) };
}
