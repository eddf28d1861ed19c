// The demo's container platforms: one Kubernetes cluster per datacenter whose nodes are that site's app VMs, and
// its workloads. Only what is declared: replicas ready, images running and probe results stay unknown until a
// site agent reports them (the demo has none), so nothing here pretends to have been observed.

export interface PlannedCluster {
  dc: number;
  name: string;
  version: string;
  endpoint: string;
  /** names of demo VMs: the first is the control plane */
  nodes: string[];
}

export interface PlannedWorkload {
  cluster: number;
  namespace: string;
  name: string;
  image: string;
  replicas_desired: number;
  cpu_request_m: number;
  cpu_limit_m: number;
  memory_request_mb: number;
  memory_limit_mb: number;
  labels: Record<string, string>;
  probes: {
    type: 'liveness' | 'readiness';
    handler: 'http' | 'tcp' | 'exec';
    path?: string;
    port?: number;
    period_s: number;
  }[];
}

const WORKLOADS: Omit<PlannedWorkload, 'cluster'>[] = [
  {
    namespace: 'storefront',
    name: 'web',
    image: 'nginx:1.27.2',
    replicas_desired: 4,
    cpu_request_m: 250,
    cpu_limit_m: 500,
    memory_request_mb: 128,
    memory_limit_mb: 256,
    labels: { app: 'web', tier: 'frontend' },
    probes: [
      { type: 'readiness', handler: 'http', path: '/healthz', port: 8080, period_s: 5 },
      { type: 'liveness', handler: 'tcp', port: 8080, period_s: 10 },
    ],
  },
  {
    namespace: 'storefront',
    name: 'api',
    image: 'ghcr.io/acme/shop-api:2.14.1',
    replicas_desired: 3,
    cpu_request_m: 500,
    cpu_limit_m: 1000,
    memory_request_mb: 512,
    memory_limit_mb: 1024,
    labels: { app: 'api', tier: 'backend' },
    probes: [{ type: 'readiness', handler: 'http', path: '/ready', port: 9000, period_s: 5 }],
  },
  {
    namespace: 'payments',
    name: 'ledger',
    image: 'ghcr.io/acme/ledger:5.2.0',
    replicas_desired: 2,
    cpu_request_m: 1000,
    cpu_limit_m: 2000,
    memory_request_mb: 2048,
    memory_limit_mb: 4096,
    labels: { app: 'ledger', 'pci-scope': 'true' },
    probes: [{ type: 'readiness', handler: 'tcp', port: 5432, period_s: 10 }],
  },
  {
    namespace: 'monitoring',
    name: 'node-exporter',
    image: 'quay.io/prometheus/node-exporter:v1.8.2',
    replicas_desired: 3,
    cpu_request_m: 100,
    cpu_limit_m: 200,
    memory_request_mb: 64,
    memory_limit_mb: 128,
    labels: { app: 'node-exporter' },
    probes: [{ type: 'liveness', handler: 'http', path: '/metrics', port: 9100, period_s: 15 }],
  },
  {
    namespace: 'ci',
    name: 'runner',
    image: 'ghcr.io/actions/actions-runner:2.321.0',
    replicas_desired: 6,
    cpu_request_m: 2000,
    cpu_limit_m: 4000,
    memory_request_mb: 4096,
    memory_limit_mb: 8192,
    labels: { app: 'runner' },
    probes: [],
  },
];

/** `vmsByDc`: the demo VMs' names, per datacenter index. */
export function demoContainers(vmsByDc: string[][]) {
  const clusters: PlannedCluster[] = [];
  vmsByDc.forEach((vmNames, dc) => {
    const nodes = vmNames.filter((n) => n.includes('-vm-app-')).slice(0, 4);
    if (nodes.length < 2) return;
    const name = `${nodes[0]!.split('-')[0]}-k8s`;
    clusters.push({ dc, name, version: 'v1.31.2', endpoint: `https://${name}.demo.internal:6443`, nodes });
  });
  const workloads: PlannedWorkload[] = clusters.flatMap((_, cluster) => WORKLOADS.map((w) => ({ ...w, cluster })));
  return { clusters, workloads };
}
