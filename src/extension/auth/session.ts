/**
 * Who we are signed in as, and the one KooDrive client built from it.
 *
 *  - The access token (and session id) live in SecretStorage only.
 *  - The endpoint comes from USER settings only (the caller reads
 *    `inspect().globalValue`): a cloned repository's workspace settings must
 *    not be able to send the token elsewhere. The stored credentials are
 *    bound to the endpoint they were validated against; if the user setting
 *    later names another endpoint, we are signed out until the user signs in
 *    there.
 *  - The embedded sandbox is a mode of its own: it runs in-process on
 *    loopback with its fixed demo credentials, and nothing is written to
 *    settings or secrets for it.
 *  - An expired token is refreshed once (when a session id is known, gap 3);
 *    concurrent failures share that one refresh. If it cannot be refreshed the
 *    session is marked expired (the tree shows its welcome view) until the
 *    user signs in again.
 *
 * Plain TypeScript with ports, so sign-in, refresh and expiry are unit-tested
 * without VS Code; extension.ts passes the VS Code implementations.
 */
import type { Dispatcher } from 'undici';
import type { Credentials, CredentialsProvider } from '../../core/api/credentials';
import { staticCredentials } from '../../core/api/credentials';
import type { KooDriveClient } from '../../core/api/koodriveClient';
import type { SessionUser } from '../../core/api/types';
import { normalizeEndpoint } from '../../core/endpoint';
import { KooDriveError } from '../../core/errors';
import type { KooDrive, KooDriveOptions } from '../../core/koodrive';
import type { Logger } from '../../core/logger';
import { l10n } from '../l10n';
import type { KeyValueStore } from '../stores/keyValueStore';

export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** koodrive.endpoint in the user's settings (never workspace or folder values). */
export interface EndpointSetting {
  get(): string | undefined;
  set(value: string): PromiseLike<void>;
}

export interface SandboxInfo {
  url: string;
  token: string;
  userId: string;
}

export interface SandboxLauncher {
  /** Starts the embedded sandbox if it is not running; resolves with how to reach it. */
  start(): Promise<SandboxInfo>;
  stop(): Promise<void>;
}

export type DriveFactory = (options: KooDriveOptions) => KooDrive;

export interface SessionDeps {
  secrets: SecretStore;
  endpointSetting: EndpointSetting;
  state: KeyValueStore;
  createDrive: DriveFactory;
  sandbox: SandboxLauncher;
  logger: Logger;
}

/** What commands and the tree get: a ready client for the signed-in user. */
export interface Connection {
  client: KooDriveClient;
  dispatcher: Dispatcher;
  /** The client's own redaction (the tokens and session ids it has sent), for core's messages. */
  redact(text: string): string;
  userId: string;
  endpoint: string;
  sandbox: boolean;
}

export interface SessionState {
  signedIn: boolean;
  sandbox: boolean;
  /** The session existed and then expired (the UI says "sign in again"). */
  expired: boolean;
}

interface StoredCredentials extends Credentials {
  endpoint: string;
  userName?: string;
}

export const SECRET_KEY = 'koodrive.credentials';
export const MODE_KEY = 'koodrive.sessionMode';

type Mode = 'remote' | 'sandbox';

export class Session {
  private mode?: Mode;
  private stored?: StoredCredentials;
  private expired = false;
  private drive?: KooDrive;
  private connecting?: Promise<Connection>;
  private refreshing?: Promise<boolean>;
  private readonly listeners = new Set<(s: SessionState) => void>();
  /** The endpoint and user id of a sign-in that did not succeed (this window only; never the token). */
  private attempt?: { endpoint: string; userId: string };

  constructor(private readonly deps: SessionDeps) {}

  get state(): SessionState {
    const signedIn = !this.expired && (this.mode === 'sandbox' || (this.mode === 'remote' && this.stored !== undefined));
    return { signedIn, sandbox: signedIn && this.mode === 'sandbox', expired: this.expired };
  }

  onDidChange(listener: (s: SessionState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Reads what was saved; no network. Call once at activation. */
  async restore(): Promise<void> {
    const mode = this.deps.state.get<Mode>(MODE_KEY);
    this.mode = mode === 'sandbox' || mode === 'remote' ? mode : undefined;
    this.stored = undefined;
    if (this.mode === 'remote') this.stored = await this.readSecret();
    this.fire();
  }

  /** Re-checks the user-level endpoint setting (after a configuration change). */
  async endpointSettingChanged(): Promise<void> {
    if (this.mode !== 'remote') return;
    const before = this.stored;
    this.stored = await this.readSecret();
    if (before !== undefined && this.stored === undefined) await this.dropDrive();
    this.fire();
  }

  /** The client for the signed-in user; throws AuthRequired when signed out or expired. */
  connection(): Promise<Connection> {
    const s = this.state;
    if (!s.signedIn) {
      return Promise.reject(new KooDriveError('AuthRequired', this.expired
        ? l10n.t('Your KooDrive session has expired.')
        : l10n.t('You are not signed in to KooDrive.')));
    }
    if (!this.connecting) {
      const pending = this.connect();
      this.connecting = pending;
      pending.catch(() => this.connecting === pending && (this.connecting = undefined));
    }
    return this.connecting;
  }

  /** Validates the token with checkSession, then saves it. Nothing is saved if the check fails. */
  async signIn(input: { endpoint: string; token: string; userId: string; sessionId?: string }, signal?: AbortSignal): Promise<SessionUser> {
    this.attempt = { endpoint: input.endpoint.trim(), userId: input.userId.trim() };
    const endpoint = normalizeEndpoint(input.endpoint);
    const token = input.token.trim();
    const userId = input.userId.trim();
    if (!token) throw new KooDriveError('InvalidInput', l10n.t('The access token is empty.'));
    if (!userId) throw new KooDriveError('InvalidInput', l10n.t('The user ID is empty.'));
    const user = await this.check(endpoint, { token, userId }, signal);
    const stored: StoredCredentials = { endpoint, token, userId, sessionId: input.sessionId, userName: user.userName };
    await this.deps.secrets.store(SECRET_KEY, JSON.stringify(stored));
    await this.deps.endpointSetting.set(endpoint);
    await this.deps.state.update(MODE_KEY, 'remote');
    await this.dropDrive();
    await this.deps.sandbox.stop().catch(() => undefined);
    this.mode = 'remote';
    this.stored = stored;
    this.expired = false;
    this.attempt = undefined;
    this.deps.logger.info(`Signed in to ${endpoint} as ${userId}`);
    this.fire();
    return user;
  }

  /** Starts the embedded sandbox and signs in to it with its demo credentials. */
  async signInSandbox(signal?: AbortSignal): Promise<SandboxInfo> {
    const info = await this.deps.sandbox.start();
    await this.check(info.url, { token: info.token, userId: info.userId }, signal);
    await this.deps.state.update(MODE_KEY, 'sandbox');
    await this.dropDrive();
    this.mode = 'sandbox';
    this.expired = false;
    this.deps.logger.info(`Signed in to the local sandbox at ${info.url} as ${info.userId}`);
    this.fire();
    return info;
  }

  /** Forgets the credentials (secrets and mode); stops the sandbox. */
  async signOut(): Promise<void> {
    await this.deps.secrets.delete(SECRET_KEY);
    await this.deps.state.update(MODE_KEY, undefined);
    await this.dropDrive();
    await this.deps.sandbox.stop().catch(() => undefined);
    this.mode = undefined;
    this.stored = undefined;
    this.expired = false;
    this.deps.logger.info('Signed out');
    this.fire();
  }

  /** The token was rejected and could not be refreshed. */
  markExpired(): void {
    if (this.expired || !this.state.signedIn) return;
    this.expired = true;
    this.deps.logger.warn('The KooDrive session has expired; sign in again');
    // The client stays open: other calls may still be finishing. connection() refuses new work.
    this.connecting = undefined;
    this.fire();
  }

  /** Strings the log must never show. */
  secretsForRedaction(): string[] {
    return this.stored ? [this.stored.token, this.stored.sessionId ?? ''].filter(Boolean) : [];
  }

  /**
   * The endpoint and user id for pre-filling the sign-in prompts: what was
   * typed in a sign-in that failed (typed: true), else what is stored.
   */
  get previous(): { endpoint?: string; userId?: string; typed?: boolean } {
    if (this.attempt) {
      return { endpoint: this.attempt.endpoint || this.stored?.endpoint || this.deps.endpointSetting.get(), userId: this.attempt.userId || this.stored?.userId, typed: true };
    }
    return { endpoint: this.stored?.endpoint ?? this.deps.endpointSetting.get(), userId: this.stored?.userId };
  }

  async dispose(): Promise<void> {
    await this.dropDrive();
    await this.deps.sandbox.stop().catch(() => undefined);
    this.listeners.clear();
  }

  private async connect(): Promise<Connection> {
    if (this.mode === 'sandbox') {
      const info = await this.deps.sandbox.start();
      const drive = this.deps.createDrive({
        endpoint: info.url,
        credentials: staticCredentials({ token: info.token, userId: info.userId }),
        logger: this.deps.logger,
        onAuthExpired: async () => {
          this.markExpired();
          return false;
        },
      });
      this.drive = drive;
      return { client: drive.client, dispatcher: drive.dispatcher, redact: drive.redact, userId: info.userId, endpoint: normalizeEndpoint(info.url), sandbox: true };
    }
    const stored = this.stored;
    if (!stored) throw new KooDriveError('AuthRequired', l10n.t('You are not signed in to KooDrive.'));
    const credentials: CredentialsProvider = {
      get: () => this.stored ?? stored,
      update: (next) => this.saveRefreshed(next),
    };
    const drive = this.deps.createDrive({
      endpoint: stored.endpoint,
      credentials,
      logger: this.deps.logger,
      onAuthExpired: () => this.refresh(),
    });
    this.drive = drive;
    return { client: drive.client, dispatcher: drive.dispatcher, redact: drive.redact, userId: stored.userId, endpoint: stored.endpoint, sandbox: false };
  }

  /** One refresh for all the calls that failed at once. */
  private refresh(): Promise<boolean> {
    if (!this.refreshing) {
      const pending = this.doRefresh().finally(() => {
        if (this.refreshing === pending) this.refreshing = undefined;
      });
      this.refreshing = pending;
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const stored = this.stored;
    if (!stored?.sessionId) {
      this.markExpired();
      return false;
    }
    // A client of its own without onAuthExpired: a rejected refresh must not ask for a refresh.
    const refresher = this.deps.createDrive({ endpoint: stored.endpoint, credentials: staticCredentials(stored), logger: this.deps.logger });
    try {
      const token = await refresher.client.refreshSession(stored.sessionId);
      await this.saveRefreshed({ ...stored, token });
      this.deps.logger.info('Refreshed the KooDrive session');
      return true;
    } catch (e) {
      this.deps.logger.warn(`Session refresh failed: ${(e as Error).message}`);
      this.markExpired();
      return false;
    } finally {
      await refresher.close().catch(() => undefined);
    }
  }

  private async saveRefreshed(next: Credentials): Promise<void> {
    if (!this.stored) return;
    this.stored = { ...this.stored, token: next.token, sessionId: next.sessionId ?? this.stored.sessionId };
    await this.deps.secrets.store(SECRET_KEY, JSON.stringify(this.stored));
  }

  private async check(endpoint: string, creds: Credentials, signal?: AbortSignal): Promise<SessionUser> {
    const drive = this.deps.createDrive({ endpoint, credentials: staticCredentials(creds), logger: this.deps.logger });
    try {
      return await drive.client.checkSession({ signal });
    } finally {
      await drive.close().catch(() => undefined);
    }
  }

  /** The saved credentials, if they belong to the endpoint in the user's settings. */
  private async readSecret(): Promise<StoredCredentials | undefined> {
    let stored: StoredCredentials | undefined;
    try {
      const raw = await this.deps.secrets.get(SECRET_KEY);
      const v = raw ? (JSON.parse(raw) as Partial<StoredCredentials>) : undefined;
      if (v && typeof v.token === 'string' && typeof v.userId === 'string' && typeof v.endpoint === 'string') stored = v as StoredCredentials;
    } catch {
      stored = undefined;
    }
    if (!stored) return undefined;
    let configured: string | undefined;
    try {
      const setting = this.deps.endpointSetting.get();
      configured = setting ? normalizeEndpoint(setting) : undefined;
    } catch (e) {
      this.deps.logger.warn(`Ignoring the koodrive.endpoint user setting: ${(e as Error).message}`);
    }
    if (configured !== stored.endpoint) {
      this.deps.logger.warn(`The saved sign-in is for ${stored.endpoint}, but koodrive.endpoint is ${configured ?? 'not set'}; sign in again`);
      return undefined;
    }
    return stored;
  }

  private async dropDrive(): Promise<void> {
    const drive = this.drive;
    this.drive = undefined;
    this.connecting = undefined;
    await drive?.close().catch(() => undefined);
  }

  private fire(): void {
    const s = this.state;
    for (const l of this.listeners) l(s);
  }
}
