// NetBox's demo data exported through a real NetBox 4.5 REST API (../shared/data/netbox), and the import route
// called through the Worker's own fetch (the export is over the default body cap: the route declares its own).
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import worker from '../../worker/index';
import { BASE } from './api';
import sites from '../../../shared/data/netbox/sites.json?raw';
import racks from '../../../shared/data/netbox/racks.json?raw';
import manufacturers from '../../../shared/data/netbox/manufacturers.json?raw';
import deviceTypes from '../../../shared/data/netbox/device-types.json?raw';
import deviceRoles from '../../../shared/data/netbox/device-roles.json?raw';
import devices from '../../../shared/data/netbox/devices.json?raw';
import powerPanels from '../../../shared/data/netbox/power-panels.json?raw';
import powerFeeds from '../../../shared/data/netbox/power-feeds.json?raw';
import interfaces from '../../../shared/data/netbox/interfaces.json?raw';
import cables from '../../../shared/data/netbox/cables.json?raw';
import clusters from '../../../shared/data/netbox/clusters.json?raw';
import vms from '../../../shared/data/netbox/virtual-machines.json?raw';

export const netboxDemo = () => ({
  sites: JSON.parse(sites),
  racks: JSON.parse(racks),
  manufacturers: JSON.parse(manufacturers),
  'device-types': JSON.parse(deviceTypes),
  'device-roles': JSON.parse(deviceRoles),
  devices: JSON.parse(devices),
  'power-panels': JSON.parse(powerPanels),
  'power-feeds': JSON.parse(powerFeeds),
  interfaces: JSON.parse(interfaces),
  cables: JSON.parse(cables),
  clusters: JSON.parse(clusters),
  'virtual-machines': JSON.parse(vms),
});

export async function postNetbox(body: unknown, token: string, dry = false) {
  const res = await worker.fetch(
    new Request(`${BASE}/api/imports/netbox?dry_run=${dry}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    env,
    createExecutionContext(),
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}

export const countRows = async (table: string, where = '') =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} ${where && `WHERE ${where}`}`).first<{ n: number }>())!.n;
