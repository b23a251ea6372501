/** koodrive.signOut: forgets the token (SecretStorage) and stops the sandbox; the tree shows its welcome view. */
import { l10n } from '../l10n';
import type { Services } from '../services';

export async function signOut(s: Services): Promise<void> {
  await s.session.signOut();
  void s.notifier.info(l10n.t('Signed out of KooDrive.'));
}
