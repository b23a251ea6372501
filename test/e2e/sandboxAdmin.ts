/**
 * A client for the sandbox's admin API (/__sandbox/..., see src/sandbox/admin.ts):
 * where the e2e and extension-host suites read the remote state they assert on
 * and inject faults. Plain `fetch`, so it runs in the harness (Node 20) and
 * inside the extension host alike.
 */
import { createHash } from 'crypto';

/** The sandbox's seeded demo user (src/sandbox/seed.ts DEFAULT_USERS). */
export const SANDBOX_TOKEN = 'sandbox-token';
export const SANDBOX_USER_ID = 'sandbox-user';
export const SANDBOX_SESSION_ID = 'sandbox-session';

export interface RemoteFile {
  id: string;
  name: string;
  kind: 'folder' | 'file';
  containerId: string;
  parentId: string | null;
  size: number;
  sha256: string | null;
  version: number | null;
  recycled: boolean;
  inRecycleBin: boolean;
}

export interface RemoteRevision {
  revisionId: string;
  versionId: string;
  version: number;
  sha256: string;
  size: number;
  latest: boolean;
  keepForever: boolean;
}

export interface SandboxTeamInfo {
  id: string;
  name: string;
  containerId: string;
  rootId: string;
}

export interface SandboxState {
  url: string;
  userId: string;
  token: string | null;
  personalContainerId: string;
  personalRootId: string;
  teams: SandboxTeamInfo[];
  counts: { files: number; folders: number; pendingUploads: number; blobs: number; jobs: number };
  faults: unknown[];
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  target: 'api' | 'part' | 'download' | 'other';
  headers: Record<string, string>;
}

export interface PendingUpload {
  uploadId: string;
  fileId: string;
  fileName: string;
  length: number;
  storedParts: { partNumber: number; size: number }[];
}

export class SandboxAdmin {
  constructor(readonly url: string) {}

  state(): Promise<SandboxState> {
    return this.json('GET', '/state');
  }

  /** Adds faults (src/sandbox/faults.ts FaultSpec); returns their ids. */
  async addFaults(...specs: unknown[]): Promise<string[]> {
    return (await this.json<{ ids: string[] }>('POST', '/faults', specs)).ids;
  }

  /** When the fault has fired (src/sandbox/faults.ts firings). */
  async firings(faultId: string): Promise<{ faultId: string; kind: string; method: string; path: string }[]> {
    return (await this.json<{ firings: { faultId: string; kind: string; method: string; path: string }[] }>('GET', `/faults/fired?id=${encodeURIComponent(faultId)}`)).firings;
  }

  /** Lets the answers a `hold` fault holds back go. */
  async releaseFault(faultId: string): Promise<void> {
    await this.json('POST', `/faults/${encodeURIComponent(faultId)}/release`);
  }

  async clearFaults(): Promise<void> {
    await this.json('DELETE', '/faults');
  }

  /** Every token issued so far stops working (refresh still works). */
  async expireTokens(): Promise<void> {
    await this.json('POST', '/expire-tokens');
  }

  async requests(filter: { since?: number; path?: string } = {}): Promise<RecordedRequest[]> {
    const q = new URLSearchParams();
    if (filter.since !== undefined) q.set('since', String(filter.since));
    if (filter.path) q.set('path', filter.path);
    return (await this.json<{ requests: RecordedRequest[] }>('GET', `/requests?${q}`)).requests;
  }

  /** The sequence number of the latest recorded request (0 when none). */
  async lastRequestSeq(): Promise<number> {
    const all = await this.requests();
    return all.length ? all[all.length - 1].seq : 0;
  }

  async file(fileId: string): Promise<{ file: RemoteFile; revisions: RemoteRevision[] }> {
    return this.json('GET', `/files/${encodeURIComponent(fileId)}`);
  }

  async content(fileId: string, version?: number): Promise<Buffer> {
    const res = await fetch(`${this.url}/__sandbox/files/${encodeURIComponent(fileId)}/content${version ? `?version=${version}` : ''}`);
    if (!res.ok) throw new Error(`sandbox content of ${fileId}: HTTP ${res.status} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  /** SHA-256 (hex) of the stored bytes, computed here from the content, not taken from metadata. */
  async contentSha256(fileId: string, version?: number): Promise<string> {
    return createHash('sha256').update(await this.content(fileId, version)).digest('hex');
  }

  async children(containerId: string, folderId = 'root'): Promise<RemoteFile[]> {
    const q = new URLSearchParams({ containerId, folderId });
    return (await this.json<{ files: RemoteFile[] }>('GET', `/children?${q}`)).files;
  }

  async find(containerId: string, parentId: string, name: string): Promise<RemoteFile | undefined> {
    const q = new URLSearchParams({ containerId, parentId, name });
    const res = await fetch(`${this.url}/__sandbox/find?${q}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`sandbox find ${name}: HTTP ${res.status}`);
    return ((await res.json()) as { file: RemoteFile }).file;
  }

  /** Resolves 'a/b/c' from the root of a space (personal by default); undefined when a segment is missing. */
  async findPath(relPath: string, containerId?: string): Promise<RemoteFile | undefined> {
    const cid = containerId ?? (await this.state()).personalContainerId;
    let parent = 'root';
    let found: RemoteFile | undefined;
    for (const name of relPath.split('/').filter(Boolean)) {
      found = await this.find(cid, parent, name);
      if (!found) return undefined;
      parent = found.id;
    }
    return found;
  }

  /** Like findPath but throws with the missing path. */
  async getPath(relPath: string, containerId?: string): Promise<RemoteFile> {
    const f = await this.findPath(relPath, containerId);
    if (!f) throw new Error(`not in the sandbox: ${relPath}`);
    return f;
  }

  /**
   * A new access token for the demo user, as a person would get one after the
   * old one expired: POST session/refresh with the old token and the session
   * id (the sandbox keeps expired tokens refreshable; the old one is revoked).
   */
  async refreshToken(oldToken = SANDBOX_TOKEN, sessionId = SANDBOX_SESSION_ID): Promise<string> {
    const res = await fetch(`${this.url}/koodrive/ose/v1/session/refresh`, {
      method: 'POST',
      headers: { authorization: `Bearer+${oldToken}`, 'x-session-id': sessionId, 'content-type': 'application/json' },
      body: '{}',
    });
    const body = (await res.json()) as { accessToken?: string };
    if (!res.ok || !body.accessToken) throw new Error(`session/refresh: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body.accessToken.replace(/^Bearer[+ ]/, '');
  }

  /** Uploads started and never completed. */
  async pendingUploads(): Promise<PendingUpload[]> {
    return (await this.json<{ uploads: PendingUpload[] }>('GET', '/uploads')).uploads;
  }

  /** Polls `check` until it returns a value (not undefined/false) or the time is up. */
  async waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox admin ${method} ${path}: HTTP ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
