/**
 * The core's messages are written for both hosts ("please sign in again"
 * fits the editor's Sign in button). On the command line the user needs to
 * know which value to fix and where it came from: the token from --token,
 * KOODRIVE_TOKEN or a saved profile; the endpoint a connection failed to.
 * This only rewrites the text: codes and exit codes stay the core's.
 */
import { failedBeforeSending } from '../core/api/errorMapping';
import { KooDriveError } from '../core/errors';
import type { SignInSettings } from './settings';

/** Errors that already say what to do (login's own check): left as they are. */
export const EXPLAINED = 'explained';

export function explainForCli(err: KooDriveError, settingsOf: () => SignInSettings): string {
  if (err.subject === EXPLAINED) return err.message;
  try {
    const settings = settingsOf();
    if (err.code === 'AuthRequired') return explainAuth(err.message, settings);
    if ((err.code === 'Network' || err.code === 'Timeout') && failedBeforeSending(err)) return explainUnreachable(err.message, settings);
  } catch {
    // Reading the settings failed (a broken config file): the core's message still says what happened.
  }
  return err.message;
}

function explainAuth(message: string, settings: SignInSettings): string {
  const token = settings.token();
  const userId = settings.userId();
  const base = message.replace(/[;,]?\s*(and |please )?sign in again\.?$/i, '').replace(/\.$/, '');
  const from: string[] = [];
  if (token) from.push(`the token came from ${settings.describe('token', token, { withFile: false })}`);
  if (userId) from.push(`the user id from ${settings.describe('userId', userId, { withFile: false })}`);
  const origin = from.length ? ` (${from.join(', ')})` : '';
  return `${base}${origin}. Run "${settings.loginCommand()}" to sign in again, or give a valid token with KOODRIVE_TOKEN or --token.`;
}

function explainUnreachable(message: string, settings: SignInSettings): string {
  const endpoint = settings.endpoint();
  if (!endpoint || message.includes(endpoint.value)) return message;
  return `Could not connect to ${endpoint.value} (from ${settings.describe('endpoint', endpoint)}): ${message}`;
}
