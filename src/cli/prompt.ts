/**
 * Questions on the terminal for `koodrive login`. Prompts go to stderr, so
 * stdout stays the command's output; a secret is read with echo off (the
 * characters typed are not written back), as ssh and sudo do.
 *
 * Only on a terminal: a script that forgot --token-stdin gets an error at
 * once instead of a process waiting forever for input nobody will type.
 */
import * as readline from 'node:readline';
import { Writable } from 'node:stream';
import { KooDriveError } from '../core/errors';

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY);
}

export async function ask(question: string, o: { secret?: boolean; signal?: AbortSignal } = {}): Promise<string> {
  let muted = false;
  // The terminal echo goes through this stream: muted, the typed characters are dropped.
  const echo = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = readline.createInterface({ input: process.stdin, output: echo, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      const cancel = (): void => reject(new KooDriveError('Cancelled', 'Cancelled by the user'));
      rl.on('SIGINT', cancel); // Ctrl-C while the terminal is in raw mode
      rl.on('close', cancel); // Ctrl-D
      o.signal?.addEventListener('abort', cancel, { once: true });
      rl.question(question, (answer) => {
        o.signal?.removeEventListener('abort', cancel);
        resolve(answer.trim());
      });
      muted = o.secret === true;
    });
  } finally {
    if (o.secret) process.stderr.write('\n'); // the Enter the user typed was not echoed either
    rl.close();
  }
}

/** All of stdin (for --token-stdin), trimmed of the final newline and surrounding blanks. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
