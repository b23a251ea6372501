/**
 * Moving a verified download into place according to the conflict decision:
 * replacing, exclusively (a file that appeared meanwhile is decided again),
 * or under the first free "name (n).ext" (keep both).
 */
import * as path from 'node:path';
import { alternateName } from '../bytes/localNames';
import { KooDriveError } from '../errors';
import { alreadyExists, ConflictAction, ConflictDecider, ConflictPolicy, conflictQuestion } from './downloadConflicts';
import { localError, lstatOrUndefined, placeExclusive, placeReplacing, unlinkQuietly } from './downloadPaths';
import type { PlannedFile } from './downloadPlan';
import type { LocalClaims } from './localClaims';

/** What placing a file needs from the run. */
export interface PlaceContext {
  policy: ConflictPolicy;
  claims: LocalClaims;
  conflicts: ConflictDecider;
}

/**
 * Moves the verified temp file into place according to the decision; if a
 * file appeared under the name while we were downloading, the policy is
 * applied again. Returns the final path, or undefined when the file was skipped.
 */
export async function place(e: PlaceContext, job: PlannedFile, dir: string, partialPath: string, finalPath: string, action: ConflictAction | 'new'): Promise<string | undefined> {
  try {
    for (let round = 0; round < 3; round++) {
      if (action === 'overwrite') {
        await placeReplacing(partialPath, finalPath);
        return finalPath;
      }
      if (action === 'rename') return await placeRenamed(e, job, dir, partialPath);
      if (await placeExclusive(partialPath, finalPath)) return finalPath;
      // Created meanwhile by someone else.
      const existing = await lstatOrUndefined(finalPath);
      if (!existing) continue;
      action = await e.conflicts.decide(conflictQuestion(job, finalPath, existing));
      if (action === 'skip') {
        await unlinkQuietly(partialPath);
        return undefined;
      }
      if (action === 'fail') throw alreadyExists(finalPath, e.policy);
      if (action === 'overwrite' && existing.isDirectory()) {
        throw new KooDriveError('Conflict', `${finalPath} is a folder; it cannot be replaced by the file ${job.remotePath}`, { subject: finalPath });
      }
    }
    throw new KooDriveError('Conflict', `${finalPath} keeps changing; not saving over it`, { subject: finalPath });
  } catch (err) {
    throw localError(err, finalPath, 'save');
  }
}

/** Keep both: the first free "name (n).ext" that no other file of this download is going to use. */
async function placeRenamed(e: PlaceContext, job: PlannedFile, dir: string, partialPath: string): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(dir, alternateName(job.localName, n));
    if (e.claims.has(candidate)) continue;
    if (await placeExclusive(partialPath, candidate)) {
      e.claims.claim(candidate, job.remotePath);
      return candidate;
    }
  }
  throw new KooDriveError('Conflict', `No free name for ${job.remotePath} in ${dir}`, { subject: job.remotePath });
}
