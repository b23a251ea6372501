/**
 * Saved sign-ins ("profiles"), as aws and az keep them: the endpoint and user
 * id in `<state dir>/config.json`, the token apart in `<state dir>/credentials`
 * (mode 0600), so the file that may be shown, copied or backed up carries no
 * secret.
 *
 * The credentials file is refused when other users could read or write it,
 * as ssh refuses a private key with open permissions: a token that others
 * could read must be treated as leaked, and silently using it would hide that.
 *
 * Files are replaced atomically (temp file + rename) so an interrupted login
 * never leaves half a file; the temp file is created with its final mode.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KooDriveError } from '../core/errors';

export const DEFAULT_PROFILE = 'default';

export interface Profile {
  endpoint?: string;
  userId?: string;
}

export interface ProfilePaths {
  config: string;
  credentials: string;
}

export function profilePaths(dir: string): ProfilePaths {
  return { config: path.join(dir, 'config.json'), credentials: path.join(dir, 'credentials') };
}

/** Letters, digits, dot, dash, underscore: a name that is safe as an INI section and in a shell line. */
export function checkProfileName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw new KooDriveError('InvalidInput', `"${name}" is not a profile name (letters, digits, ".", "-", "_"; at most 64)`, { subject: 'usage' });
  }
  return name;
}

interface ConfigFile {
  profiles: Record<string, Profile>;
}

/** The saved profiles; none when the file does not exist yet. */
export function readProfiles(file: string): Record<string, Profile> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new KooDriveError('LocalIo', `Cannot read ${file}: ${(e as Error).message}`, { cause: e, subject: file });
  }
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    const profiles = parsed && typeof parsed.profiles === 'object' && parsed.profiles ? parsed.profiles : {};
    const out: Record<string, Profile> = {};
    for (const [name, p] of Object.entries(profiles)) {
      if (!p || typeof p !== 'object') continue;
      out[name] = {
        ...(typeof p.endpoint === 'string' ? { endpoint: p.endpoint } : {}),
        ...(typeof p.userId === 'string' ? { userId: p.userId } : {}),
      };
    }
    return out;
  } catch (e) {
    throw new KooDriveError('InvalidInput', `${file} is not valid JSON (${(e as Error).message}); fix it or remove it and run "koodrive login"`, { cause: e, subject: file });
  }
}

/**
 * The tokens by profile. Refuses a file that group or others may read or
 * write (on Windows, where modes mean nothing, the user profile's ACL is what
 * protects it).
 */
export function readTokens(file: string): Record<string, string> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new KooDriveError('LocalIo', `Cannot read ${file}: ${(e as Error).message}`, { cause: e, subject: file });
  }
  try {
    // fstat of the descriptor we read from: no window between the check and the read.
    const mode = fs.fstatSync(fd).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new KooDriveError(
        'InvalidInput',
        `${file} is accessible by other users (mode ${mode.toString(8).padStart(4, '0')}), so its token is not used. ` +
          `Run "chmod 600 ${file}", and "koodrive login" again if others may have read it.`,
        { subject: file },
      );
    }
    return parseTokens(fs.readFileSync(fd, 'utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

/** `[name]` sections with `token = …` lines; `#`/`;` comments and blank lines ignored. */
export function parseTokens(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let section: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    const kv = /^token\s*=\s*(.*)$/.exec(line);
    if (kv && section !== undefined) out[section] = kv[1].trim();
  }
  return out;
}

function formatTokens(tokens: Record<string, string>): string {
  const sections = Object.entries(tokens).map(([name, token]) => `[${name}]\ntoken = ${token}\n`);
  return ['# KooDrive access tokens, one section per profile. Written by "koodrive login"; keep this file mode 0600.\n', ...sections].join('\n');
}

/** Writes `text` to `file` through a temp file of the same mode in the same folder, then renames it over. */
function writeAtomically(file: string, text: string, mode: number): void {
  const dir = path.dirname(file);
  // 0700: the folder also holds upload state naming local paths.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.rmSync(temp, { force: true }); // left by a run that was killed
    fs.writeFileSync(temp, text, { mode, flag: 'wx' });
    fs.chmodSync(temp, mode); // the umask may have taken bits away, never added: this makes it exact
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw new KooDriveError('LocalIo', `Cannot write ${file}: ${(e as Error).message}`, { cause: e, subject: file });
  }
}

/** Saves (or replaces) one profile and its token. */
export function saveProfile(paths: ProfilePaths, name: string, profile: Required<Profile>, token: string): void {
  const profiles = readProfiles(paths.config);
  profiles[name] = { endpoint: profile.endpoint, userId: profile.userId };
  writeAtomically(paths.config, `${JSON.stringify({ profiles }, null, 2)}\n`, 0o600);
  // An unreadable or too-open old file is replaced, not merged: its tokens are not trusted.
  let tokens: Record<string, string> = {};
  try {
    tokens = readTokens(paths.credentials);
  } catch {
    tokens = {};
  }
  tokens[name] = token;
  writeAtomically(paths.credentials, formatTokens(tokens), 0o600);
}

/** Forgets a profile's token (its endpoint and user id stay, so a new login only asks for the token). */
export function removeToken(paths: ProfilePaths, name: string): boolean {
  let tokens: Record<string, string>;
  try {
    tokens = readTokens(paths.credentials);
  } catch (e) {
    // Too open: the token is unusable anyway; remove it all the same, and fix the mode on the way.
    if (!fs.existsSync(paths.credentials)) throw e;
    tokens = parseTokens(fs.readFileSync(paths.credentials, 'utf8'));
  }
  if (!(name in tokens)) return false;
  delete tokens[name];
  writeAtomically(paths.credentials, formatTokens(tokens), 0o600);
  return true;
}
