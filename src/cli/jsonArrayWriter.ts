/**
 * One JSON array written as its items come (`upload --json`,
 * `download --json`): each item is serialized and handed to `write` at once,
 * nothing is kept per item, so a run of 100 000 files prints the same document
 * JSON.stringify(array) would, without holding the array.
 *
 * `[` is written with the first item: a run that stops before any item (an
 * error, a cancel) prints nothing on stdout, as before. close() ends the
 * document (`[]` when there was no item); abort() ends a started one (valid
 * JSON of the items written so far) and writes nothing otherwise.
 */
export class JsonArrayWriter {
  private items = 0;
  private closed = false;

  constructor(private readonly write: (chunk: string) => void) {}

  /** Items written so far. */
  get count(): number {
    return this.items;
  }

  push(item: unknown): void {
    if (this.closed) throw new Error('JsonArrayWriter: push after close');
    this.write(`${this.items === 0 ? '[' : ','}${JSON.stringify(item)}`);
    this.items++;
  }

  /** Ends the document with a newline; `[]` when nothing was pushed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.write(this.items === 0 ? '[]\n' : ']\n');
  }

  /** The run stopped: ends a started document so stdout stays valid JSON; nothing when none was started. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.items > 0) this.write(']\n');
  }
}
