/**
 * undici, loaded on first use instead of when the bundle loads. Loading it
 * pulls in dozens of Node built-ins and costs ~60-80 ms of CPU at start-up
 * (measured with --cpu-prof on `koodrive hash`), which commands and hosts
 * that never touch the network should not pay. Types are still imported
 * statically (`import type`), which costs nothing at run time.
 */
import type * as Undici from 'undici';

let loaded: typeof Undici | undefined;

export function undici(): typeof Undici {
  // A plain require inside the function: the bundler then defers undici's
  // module body until this first call.
  return (loaded ??= require('undici') as typeof Undici);
}
