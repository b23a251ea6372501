import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The CLI's one folder for everything it keeps between runs: profiles
 * (config.json, credentials), upload/download resume state, the spaces cache
 * for tab completion. KOODRIVE_STATE_DIR, else ~/.koodrive.
 */
export function stateDir(): string {
  return process.env.KOODRIVE_STATE_DIR ?? path.join(os.homedir(), '.koodrive');
}
