// A progress bar on stderr: only on a terminal, and only once the run has taken more than a
// second (short runs print nothing extra). Cleared before the report is printed.
const DELAY_MS = 1000;
const REDRAW_MS = 100;
const WIDTH = 30;

export class Progress {
  private done = 0;
  private shown = false;
  private readonly delay: NodeJS.Timeout | undefined;
  private redraw: NodeJS.Timeout | undefined;

  constructor(
    private readonly total: number,
    enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (!enabled || total === 0) return;
    this.delay = setTimeout(() => {
      this.shown = true;
      this.draw();
      this.redraw = setInterval(() => this.draw(), REDRAW_MS);
      this.redraw.unref();
    }, DELAY_MS);
    this.delay.unref();
  }

  /** Automatic mode: only when the stream is a terminal. */
  static wanted(forced: boolean | undefined, stream: NodeJS.WriteStream = process.stderr): boolean {
    return forced ?? stream.isTTY === true;
  }

  tick(count = 1): void {
    this.done += count;
  }

  stop(): void {
    if (this.delay !== undefined) clearTimeout(this.delay);
    if (this.redraw !== undefined) clearInterval(this.redraw);
    if (this.shown) this.stream.write(this.stream.isTTY === true ? '\r\u001b[K' : '\n');
    this.shown = false;
  }

  private draw(): void {
    const ratio = Math.min(1, this.done / this.total);
    const filled = Math.round(ratio * WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
    const line = `async-guardrails [${bar}] ${this.done}/${this.total} files`;
    this.stream.write(this.stream.isTTY === true ? `\r${line}\u001b[K` : `${line}\n`);
  }
}
