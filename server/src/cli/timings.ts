// `--timings`: where the analysis time of a run went, summed over its files, printed on stderr
// as a small table (phases first, then rules, slowest first), like ESLint's TIMING=1.
import type { AnalysisTimings } from '../engine/engine';

export class TimingTotals {
  private parseMs = 0;
  private structureMs = 0;
  private readonly rules = new Map<string, number>();
  private files = 0;

  add(timings: AnalysisTimings): void {
    this.files++;
    this.parseMs += timings.parseMs;
    this.structureMs += timings.structureMs;
    for (const [rule, ms] of Object.entries(timings.rules)) this.rules.set(rule, (this.rules.get(rule) ?? 0) + ms);
  }

  /** The table; times are summed over files, so with worker threads they exceed the wall time. */
  render(): string {
    const rules = [...this.rules].sort((a, b) => b[1] - a[1]);
    const rows: [string, number][] = [['(parse)', this.parseMs], ['(structure)', this.structureMs], ...rules];
    const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
    const width = Math.max(...rows.map(([name]) => name.length), 'part'.length);
    const lines = ['where the analysis time went (summed over files; fix-all passes not included):', `${'part'.padEnd(width)}  time (ms)  share`];
    for (const [name, ms] of rows) {
      const share = total > 0 ? (100 * ms) / total : 0;
      lines.push(`${name.padEnd(width)}  ${ms.toFixed(1).padStart(9)}  ${share.toFixed(1).padStart(4)}%`);
    }
    lines.push(`${'total'.padEnd(width)}  ${total.toFixed(1).padStart(9)}  over ${this.files} file(s)`);
    return lines.join('\n');
  }
}
