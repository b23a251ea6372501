/**
 * One status line on stderr while transfers run (only on a terminal, never
 * with --json). Core reports bytes; this throttles to 10 updates a second.
 */
import type { ProgressEvent } from '../core/progress';
import { formatBytes } from './context';

export class ProgressBar {
  private readonly files = new Map<string, ProgressEvent>();
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(private readonly enabled: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(e: ProgressEvent): void {
    if (!this.enabled) return;
    this.files.set(e.subject + e.phase, e);
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw(e);
  }

  private draw(current: ProgressEvent): void {
    let up = 0;
    let hashed = 0;
    let total = 0;
    const seen = new Set<string>();
    for (const e of this.files.values()) {
      if (!seen.has(e.subject)) {
        seen.add(e.subject);
        total += e.bytesTotal;
      }
      if (e.phase === 'hashing') hashed += e.bytesDone;
      else if (e.phase === 'uploading' || e.phase === 'downloading') up += e.bytesDone;
    }
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    const pct = (n: number): string => `${total ? Math.floor((100 * n) / total) : 100}%`.padStart(4);
    const name = current.subject.length > 40 ? `…${current.subject.slice(-39)}` : current.subject;
    const line = `hashed ${pct(hashed)}  sent ${pct(up)}  ${formatBytes(up)}/${formatBytes(total)}  ${formatBytes(up / secs)}/s  ${name}`;
    this.stream.write(`\r${line.padEnd(this.stream.columns ? Math.min(this.stream.columns - 1, 120) : 100)}`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
