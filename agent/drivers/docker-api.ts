// A minimal Docker Engine API client (Podman serves the same API): JSON over HTTP, or over the engine's unix
// socket through node:http's socketPath. Pinned to API v1.41, which Docker 20.10+ and Podman 4+ both serve.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const API = '/v1.41';

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  Labels: Record<string, string> | null;
  State: string;
  Created: number;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  State: { Status: string; Running: boolean; Health?: { Status: 'starting' | 'healthy' | 'unhealthy' | 'none' } };
  Config: Record<string, unknown> & { Image: string; Labels?: Record<string, string> | null };
  HostConfig: Record<string, unknown>;
}

export class DockerApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class DockerApi {
  private readonly target: { socketPath: string } | { base: URL };

  /** `endpoint`: http(s) URL, `unix:///path`, or a bare socket path */
  constructor(endpoint: string) {
    if (endpoint.startsWith('/')) this.target = { socketPath: endpoint };
    else if (endpoint.startsWith('unix://')) this.target = { socketPath: endpoint.slice('unix://'.length) };
    else this.target = { base: new URL(endpoint) };
  }

  listContainers(): Promise<ContainerSummary[]> {
    return this.call('GET', '/containers/json?all=true');
  }

  inspect(id: string): Promise<ContainerInspect> {
    return this.call('GET', `/containers/${encodeURIComponent(id)}/json`);
  }

  async create(name: string, body: Record<string, unknown>): Promise<string> {
    const r = await this.call<{ Id: string }>('POST', `/containers/create?name=${encodeURIComponent(name)}`, body);
    return r.Id;
  }

  async startContainer(id: string): Promise<void> {
    await this.call('POST', `/containers/${encodeURIComponent(id)}/start`);
  }

  /** stop gracefully (10 s), then remove */
  async remove(id: string): Promise<void> {
    await this.call('POST', `/containers/${encodeURIComponent(id)}/stop?t=10`).catch((err) => {
      // 304: already stopped
      if (!(err instanceof DockerApiError && err.status === 304)) throw err;
    });
    await this.call('DELETE', `/containers/${encodeURIComponent(id)}?force=true`);
  }

  /** `docker image prune` (all: `-a`, every image no container uses, not only dangling layers) */
  async pruneImages(all: boolean): Promise<{ deleted: number; bytes: number }> {
    const filters = all ? `?filters=${encodeURIComponent(JSON.stringify({ dangling: ['false'] }))}` : '';
    const r = await this.call<{ ImagesDeleted: { Deleted?: string }[] | null; SpaceReclaimed: number }>(
      'POST',
      `/images/prune${filters}`,
    );
    return { deleted: (r.ImagesDeleted ?? []).filter((i) => i.Deleted).length, bytes: r.SpaceReclaimed ?? 0 };
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = payload
      ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
      : {};
    const t = this.target;
    const options =
      'socketPath' in t
        ? { socketPath: t.socketPath, path: API + path, method, headers }
        : {
            host: t.base.hostname,
            port: t.base.port,
            path: t.base.pathname.replace(/\/$/, '') + API + path,
            method,
            headers,
          };
    const request = 'base' in t && t.base.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(options, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              resolve((text ? JSON.parse(text) : undefined) as T);
            } catch {
              reject(new DockerApiError(status, `${method} ${path}: the engine answered with no JSON`));
            }
            return;
          }
          let message = text.trim();
          try {
            message = JSON.parse(text).message ?? message;
          } catch {
            // not JSON: keep the text
          }
          reject(new DockerApiError(status, `${method} ${path}: ${status} ${message}`));
        });
      });
      req.on('error', (err) => reject(new Error(`docker engine unreachable: ${err.message}`)));
      if (payload) req.write(payload);
      req.end();
    });
  }
}
