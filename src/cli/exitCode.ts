/**
 * A command that finished its work but must end with a non-zero exit code
 * that is not an error (e.g. `sync`: 3 conflicts left, 4 stopped by a safety
 * rule). It has already printed its output; main.ts only returns the code.
 */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitWith';
  }
}
