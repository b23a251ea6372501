/**
 * Replaced by esbuild.js at bundle time (`define`): true only in a build made
 * with `--test-hooks` (the extension-host/e2e suites), false in every other
 * build, so the code it guards is removed from shipped bundles.
 */
declare const __KOODRIVE_TEST_HOOKS__: boolean;
