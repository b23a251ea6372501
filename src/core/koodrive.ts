/**
 * Builds a ready-to-use client from host-provided pieces. The composition
 * roots (CLI main, extension activate) call this; nothing else constructs
 * transports or dispatchers.
 */
import type { Dispatcher } from 'undici';
import { ServerClock } from './api/clock';
import type { CredentialsProvider } from './api/credentials';
import { createHttpAgent, HttpAgentOptions } from './api/httpAgent';
import { ApiTransport } from './api/httpTransport';
import { KooDriveClient } from './api/koodriveClient';
import type { RetryPolicy } from './api/retryPolicy';
import { normalizeEndpoint } from './endpoint';
import type { Logger } from './logger';

export interface KooDriveOptions {
  endpoint: string;
  credentials: CredentialsProvider;
  logger?: Logger;
  http?: HttpAgentOptions;
  retry?: Partial<RetryPolicy>;
  language?: string;
  authPrefix?: string;
  onAuthExpired?: () => Promise<boolean>;
}

export interface KooDrive {
  client: KooDriveClient;
  transport: ApiTransport;
  dispatcher: Dispatcher;
  /** Removes the tokens and session ids this client has sent (and bearer/signature patterns) from text. */
  redact(text: string): string;
  close(): Promise<void>;
}

export function createKooDrive(o: KooDriveOptions): KooDrive {
  const dispatcher = createHttpAgent(o.http);
  const transport = new ApiTransport({
    endpoint: normalizeEndpoint(o.endpoint),
    credentials: o.credentials,
    dispatcher,
    logger: o.logger,
    retry: o.retry,
    language: o.language,
    authPrefix: o.authPrefix,
    clock: new ServerClock(),
    onAuthExpired: o.onAuthExpired,
  });
  return {
    client: new KooDriveClient(transport),
    transport,
    dispatcher,
    redact: (text) => transport.secrets.redact(text),
    close: () => dispatcher.close(),
  };
}
