// A recorded Docker Engine API (v1.41) for the docker driver's tests: the bodies follow the API reference's
// examples for GET /containers/json, POST /containers/create, POST /containers/{id}/start|stop,
// DELETE /containers/{id} and GET /containers/{id}/json (State.Health). A started container's healthcheck passes
// on its `healthPolls`-th inspection (2 unless told), except for an image whose tag is `broken`: it turns unhealthy
// instead, so a rollout to it must roll back. test/docker-engine-server.ts runs one standalone (for the browser tests).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';

interface Container {
  Id: string;
  Name: string;
  Created: number;
  Config: {
    Hostname: string;
    Image: string;
    Env: string[];
    Cmd: string[];
    Labels: Record<string, string>;
    Healthcheck?: unknown;
  };
  HostConfig: Record<string, unknown>;
  running: boolean;
  health?: 'starting' | 'healthy' | 'unhealthy';
  polls: number;
}

export interface FakeEngineOptions {
  /** the inspection on which a started container's healthcheck first passes (default 2) */
  healthPolls?: number;
  /** keep the last this many requests in `requests` (default: all) */
  keepRequests?: number;
}

export class FakeEngine {
  containers = new Map<string, Container>();
  requests: string[] = [];
  private clock = 1_700_000_000;
  private readonly healthPolls: number;
  private readonly keepRequests: number;
  server!: Server;
  url = '';

  constructor(options: FakeEngineOptions = {}) {
    this.healthPolls = options.healthPolls ?? 2;
    this.keepRequests = options.keepRequests ?? Infinity;
  }

  add(name: string, image: string, labels: Record<string, string>, healthcheck = true): string {
    const Id = randomBytes(32).toString('hex');
    this.containers.set(Id, {
      Id,
      Name: `/${name}`,
      Created: this.clock++,
      Config: {
        Hostname: Id.slice(0, 12),
        Image: image,
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NGINX_VERSION=1.25.3'],
        Cmd: ['nginx', '-g', 'daemon off;'],
        Labels: labels,
        ...(healthcheck
          ? {
              Healthcheck: {
                Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
                Interval: 1_000_000_000,
                Retries: 3,
              },
            }
          : {}),
      },
      HostConfig: { NetworkMode: 'web_default', RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } },
      running: true,
      ...(healthcheck ? { health: 'healthy' as const } : {}),
      polls: 0,
    });
    return Id;
  }

  /**
   * The replicas of a workload as the docker driver finds them: containers labelled with the compose service (the
   * workload's name) and, outside the `default` namespace, the compose project (its namespace), named as compose
   * names them (`<project>-<service>-<n>`). They run and are healthy. Returns their ids.
   */
  addWorkload(namespace: string, name: string, image: string, replicas: number): string[] {
    const labels: Record<string, string> = { 'com.docker.compose.service': name };
    if (namespace !== 'default') labels['com.docker.compose.project'] = namespace;
    const prefix = namespace === 'default' ? name : `${namespace}-${name}`;
    return Array.from({ length: replicas }, (_, i) => this.add(`${prefix}-${i + 1}`, image, { ...labels }));
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://engine');
        this.requests.push(`${req.method} ${u.pathname}`);
        if (this.requests.length > this.keepRequests) this.requests.splice(0, this.requests.length - this.keepRequests);
        const path = u.pathname.replace(/^\/v1\.\d+/, '');
        const send = (status: number, json?: unknown) => {
          res.writeHead(
            status,
            json === undefined ? {} : { 'Content-Type': 'application/json', 'Api-Version': '1.41' },
          );
          res.end(json === undefined ? undefined : JSON.stringify(json));
        };
        const m = /^\/containers\/([^/]+)(?:\/(json|start|stop))?$/.exec(path);
        const c = m ? [...this.containers.values()].find((x) => x.Id === m[1] || x.Name === `/${m[1]}`) : undefined;
        if (req.method === 'GET' && path === '/containers/json') return send(200, this.summaries());
        if (req.method === 'POST' && path === '/containers/create') {
          const spec = JSON.parse(body);
          const name = u.searchParams.get('name') ?? randomBytes(4).toString('hex');
          const id = this.add(name, spec.Image, spec.Labels ?? {}, Boolean(spec.Healthcheck));
          const created = this.containers.get(id)!;
          created.running = false;
          delete created.health;
          created.Config = { ...created.Config, ...spec, Hostname: id.slice(0, 12) };
          created.HostConfig = spec.HostConfig ?? {};
          return send(201, { Id: id, Warnings: [] });
        }
        if (!m || !c) return send(404, { message: `No such container: ${m?.[1] ?? path}` });
        if (req.method === 'GET' && m[2] === 'json') return send(200, this.inspect(c));
        if (req.method === 'POST' && m[2] === 'start') {
          c.running = true;
          if (c.Config.Healthcheck) c.health = 'starting';
          return send(204);
        }
        if (req.method === 'POST' && m[2] === 'stop') {
          if (!c.running) return send(304);
          c.running = false;
          return send(204);
        }
        if (req.method === 'DELETE' && !m[2]) {
          this.containers.delete(c.Id);
          return send(204);
        }
        send(404, { message: 'page not found' });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  private summaries() {
    return [...this.containers.values()].map((c) => ({
      Id: c.Id,
      Names: [c.Name],
      Image: c.Config.Image,
      ImageID: `sha256:${randomBytes(32).toString('hex')}`,
      Command: c.Config.Cmd.join(' '),
      Created: c.Created,
      Ports: [{ PrivatePort: 80, Type: 'tcp' }],
      Labels: c.Config.Labels,
      State: c.running ? 'running' : 'exited',
      Status: c.running ? `Up 5 seconds${c.health ? ` (${c.health})` : ''}` : 'Exited (0) 3 seconds ago',
      HostConfig: { NetworkMode: c.HostConfig.NetworkMode ?? 'default' },
      NetworkSettings: { Networks: {} },
      Mounts: [],
    }));
  }

  private inspect(c: Container) {
    // a healthcheck settles on the healthPolls-th look (the second by default): healthy, or for a broken image
    // unhealthy, as Docker marks a container whose check has failed its retries
    if (c.running && c.health === 'starting' && ++c.polls >= this.healthPolls)
      c.health = c.Config.Image.endsWith(':broken') ? 'unhealthy' : 'healthy';
    return {
      Id: c.Id,
      Created: new Date(c.Created * 1000).toISOString(),
      Path: c.Config.Cmd[0],
      Args: c.Config.Cmd.slice(1),
      State: {
        Status: c.running ? 'running' : 'exited',
        Running: c.running,
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: c.running ? 4242 : 0,
        ExitCode: 0,
        Error: '',
        StartedAt: '2024-01-01T00:00:00.000000000Z',
        FinishedAt: '0001-01-01T00:00:00Z',
        ...(c.health ? { Health: { Status: c.health, FailingStreak: 0, Log: [] } } : {}),
      },
      Image: `sha256:${'a'.repeat(64)}`,
      Name: c.Name,
      RestartCount: 0,
      Driver: 'overlay2',
      Config: c.Config,
      HostConfig: c.HostConfig,
      Mounts: [],
      NetworkSettings: { Networks: {} },
    };
  }
}
