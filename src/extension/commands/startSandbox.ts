/**
 * koodrive.startSandbox ("Try the local sandbox"): runs the local KooDrive
 * sandbox inside the extension host (loopback, random port, data under the
 * extension's global storage) and signs in to it. No token prompt: the
 * sandbox has fixed demo credentials.
 */
import { l10n } from '../l10n';
import type { Services } from '../services';

export async function startSandbox(s: Services): Promise<void> {
  const info = await s.progress.run({ title: l10n.t('Starting the local KooDrive sandbox…'), cancellable: false }, (_report, signal) =>
    s.session.signInSandbox(signal));
  void s.notifier.info(l10n.t('Signed in to the local KooDrive sandbox at {0}. Its files stay on this computer.', info.url));
}
