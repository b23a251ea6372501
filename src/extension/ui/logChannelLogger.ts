/**
 * The core's Logger port on a VS Code LogOutputChannel (whose level the user
 * sets with "Developer: Set Log Level…"; request lines — method, path,
 * status, trace id, timing — are at debug level). Every line is redacted:
 * bearer tokens, presigned-URL signatures and the current secrets.
 */
import type { Logger } from '../../core/logger';
import { redactingLogger } from '../../core/redact';

/** The part of vscode.LogOutputChannel used here. */
export interface LogSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function channelLogger(sink: LogSink, secrets: () => readonly string[]): Logger {
  return redactingLogger(sink, secrets);
}
