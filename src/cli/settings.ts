/**
 * Where the endpoint, user id and token of a run come from, in the order
 * users of aws and az expect: a flag (--endpoint, --user-id, --token) beats
 * the environment (KOODRIVE_*), which beats the profile saved by
 * `koodrive login` (--profile NAME, else KOODRIVE_PROFILE, else "default").
 *
 * Everything is read lazily and once: `hash` or `sandbox` never touch the
 * profile files, and the credentials file is opened only when neither a flag
 * nor the environment gives the token (so a too-open file stops only the runs
 * that would use it).
 */
import { KooDriveError } from '../core/errors';
import { checkProfileName, DEFAULT_PROFILE, Profile, ProfilePaths, profilePaths, readProfiles, readTokens } from './profiles';
import { stateDir } from './stateDir';

export type SettingSource = 'flag' | 'environment' | 'profile';

export interface Setting {
  value: string;
  source: SettingSource;
}

export interface SettingFlags {
  endpoint?: string;
  token?: string;
  userId?: string;
  profile?: string;
}

interface Spec {
  flag: string;
  env: string;
  key: 'endpoint' | 'userId' | 'token';
}

const SPECS = {
  endpoint: { flag: '--endpoint', env: 'KOODRIVE_ENDPOINT', key: 'endpoint' },
  userId: { flag: '--user-id', env: 'KOODRIVE_USER_ID', key: 'userId' },
  token: { flag: '--token', env: 'KOODRIVE_TOKEN', key: 'token' },
} as const satisfies Record<string, Spec>;

export class SignInSettings {
  /** The profile in use: --profile, else KOODRIVE_PROFILE, else "default". */
  readonly profileName: string;
  /** True when the user named the profile (then it must exist). */
  readonly profileNamed: boolean;
  readonly paths: ProfilePaths;
  private profileRead?: { profile?: Profile };
  private tokenRead?: { token?: string };

  constructor(private readonly flags: SettingFlags, private readonly env: NodeJS.ProcessEnv = process.env, dir = stateDir()) {
    const named = flags.profile ?? (env.KOODRIVE_PROFILE || undefined);
    this.profileNamed = named !== undefined;
    this.profileName = checkProfileName(named ?? DEFAULT_PROFILE);
    this.paths = profilePaths(dir);
  }

  /** The saved profile, or undefined when there is none (an error if the user named it). */
  profile(): Profile | undefined {
    if (!this.profileRead) {
      const profile = readProfiles(this.paths.config)[this.profileName];
      if (!profile && this.profileNamed) {
        throw new KooDriveError('InvalidInput', `No profile "${this.profileName}" in ${this.paths.config}: run "koodrive login --profile ${this.profileName}" to create it`, { subject: 'usage' });
      }
      this.profileRead = { profile };
    }
    return this.profileRead.profile;
  }

  endpoint(): Setting | undefined {
    return this.pick(SPECS.endpoint, () => this.profile()?.endpoint);
  }

  userId(): Setting | undefined {
    return this.pick(SPECS.userId, () => this.profile()?.userId);
  }

  token(): Setting | undefined {
    return this.pick(SPECS.token, () => {
      // Only a profile that exists has a token worth reading (a named one that does not is an error above).
      if (!this.profile() && !this.profileNamed) return undefined;
      this.tokenRead ??= { token: readTokens(this.paths.credentials)[this.profileName] };
      return this.tokenRead.token;
    });
  }

  /** The value or a usage error naming every way to give it. */
  require(name: keyof typeof SPECS): Setting {
    const s = this[name]();
    if (s) return s;
    const spec = SPECS[name];
    if (name === 'token' && this.profile()) {
      throw new KooDriveError('InvalidInput', `Profile "${this.profileName}" has no saved token: run "${this.loginCommand()}" (or give ${spec.flag} or ${spec.env})`, { subject: 'usage' });
    }
    throw new KooDriveError('InvalidInput', `Missing ${spec.flag} (or the ${spec.env} environment variable, or a profile saved by "koodrive login")`, { subject: 'usage' });
  }

  /** "KOODRIVE_TOKEN", "--token", 'profile "work" (~/.koodrive/credentials)'. */
  describe(name: keyof typeof SPECS, s: Setting, o: { withFile?: boolean } = {}): string {
    const spec = SPECS[name];
    if (s.source === 'flag') return spec.flag;
    if (s.source === 'environment') return spec.env;
    const file = o.withFile === false ? '' : ` (${name === 'token' ? this.paths.credentials : this.paths.config})`;
    return `profile "${this.profileName}"${file}`;
  }

  /** The login line for this profile. */
  loginCommand(): string {
    return this.profileName === DEFAULT_PROFILE && !this.profileNamed ? 'koodrive login' : `koodrive login --profile ${this.profileName}`;
  }

  /** The token if it is already known, without reading anything (for redaction). */
  knownToken(): string | undefined {
    return this.flags.token ?? (this.env.KOODRIVE_TOKEN || undefined) ?? this.tokenRead?.token;
  }

  private pick(spec: Spec, fromProfile: () => string | undefined): Setting | undefined {
    const flag = this.flags[spec.key];
    if (flag) return { value: flag, source: 'flag' };
    const env = this.env[spec.env];
    if (env) return { value: env, source: 'environment' };
    const saved = fromProfile();
    return saved ? { value: saved, source: 'profile' } : undefined;
  }
}
