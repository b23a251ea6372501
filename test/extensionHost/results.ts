/** What the extension-host suite reports to the harness that started it. */

/** Switches the extension's test mode on (src/extension/testMode.ts). */
export const TEST_MODE_ENV = 'KOODRIVE_TEST_MODE';
/** Path of the JSON file the suite writes when it has finished (code-server runs). */
export const RESULTS_ENV = 'KOODRIVE_TEST_RESULTS';
/** Path of the suite bundle the test-runner extension loads (code-server runs). */
export const SUITE_ENV = 'KOODRIVE_TEST_SUITE';
/** The sandbox the suite talks to: its URL (token and user id are the sandbox's defaults). */
export const SANDBOX_URL_ENV = 'KOODRIVE_TEST_SANDBOX_URL';
/** A scratch folder the suite may write into (downloads, files to upload). */
export const SCRATCH_ENV = 'KOODRIVE_TEST_SCRATCH';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  tests: TestResult[];
  /** The suite could not run at all (load error, crash outside a test). */
  fatal?: string;
}
