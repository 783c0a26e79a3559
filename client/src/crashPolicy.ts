/**
 * When the server process dies: restart it after a growing pause, and give up after too many
 * crashes in a short time (a server that crashes on start would otherwise spin forever).
 * Pure logic, no `vscode` import, so it is tested directly.
 */
export const BACK_OFF_MS: readonly number[] = [500, 2_000, 8_000, 30_000];
export const MAX_CRASHES = 5;
export const CRASH_WINDOW_MS = 3 * 60_000;

export type CrashDecision = { restartInMs: number; crash: number } | { giveUp: true; crash: number };

export class CrashPolicy {
  private crashes: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a crash and says what to do about it. */
  crashed(): CrashDecision {
    const at = this.now();
    this.crashes = [...this.crashes.filter((t) => at - t < CRASH_WINDOW_MS), at];
    const crash = this.crashes.length;
    if (crash >= MAX_CRASHES) return { giveUp: true, crash };
    return { restartInMs: BACK_OFF_MS[Math.min(crash - 1, BACK_OFF_MS.length - 1)], crash };
  }

  /** A deliberate restart (the Restart Server command) starts counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}

export function crashMessage(decision: CrashDecision): string {
  if ('giveUp' in decision) {
    return `The server crashed ${decision.crash} times in ${CRASH_WINDOW_MS / 60_000} minutes and will not be restarted. See the output; run "Async Guardrails: Restart Server" to try again.`;
  }
  return `The server stopped unexpectedly; restarting in ${Math.round(decision.restartInMs / 100) / 10} s (crash ${decision.crash} of ${MAX_CRASHES}).`;
}
