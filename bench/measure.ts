// Runs a command several times and reports its median wall time and peak memory. Peak RSS comes
// from /proc/<pid>/status (VmHWM, the kernel's high-water mark), sampled while the process runs;
// where /proc does not exist the memory column says n/a.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface RunResult {
  ms: number;
  /** Peak resident set size in bytes, when known. */
  peakRss: number | undefined;
  code: number | null;
  stdout: string;
  stderr: string;
}

async function highWaterMark(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export function runOnce(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak: number | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const sample = (): void => {
      if (child.pid === undefined) return;
      highWaterMark(child.pid).then(
        (value) => {
          if (value !== undefined) peak = Math.max(peak ?? 0, value);
        },
        () => {
          // Deliberate: the process may have exited between two samples; the last good sample stands.
        },
      );
    };
    const timer = setInterval(sample, 25);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ ms: performance.now() - started, peakRss: peak, code, stdout, stderr });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Measurement {
  medianMs: number;
  peakRss: number | undefined;
  runs: number;
  /** The exit code and output of the last run (to check the tool did its job). */
  last: RunResult;
}

/** Median of `runs` runs (with `warmUp`, one run first that is not counted, to fill the file system cache). */
export async function measure(
  command: string,
  args: readonly string[],
  options: { cwd: string; runs: number; env?: NodeJS.ProcessEnv; okCodes?: readonly number[]; warmUp?: boolean },
): Promise<Measurement> {
  const okCodes = options.okCodes ?? [0, 1];
  if (options.warmUp !== false) await runOnce(command, args, options);
  const results: RunResult[] = [];
  for (let i = 0; i < options.runs; i++) {
    const result = await runOnce(command, args, options);
    if (!okCodes.includes(result.code ?? -1)) {
      throw new Error(`${command} ${args.join(' ')} exited with ${result.code}: ${result.stderr.slice(0, 2000)}${result.stdout.slice(0, 2000)}`);
    }
    results.push(result);
  }
  const peaks = results.map((r) => r.peakRss).filter((v): v is number => v !== undefined);
  return {
    medianMs: median(results.map((r) => r.ms)),
    peakRss: peaks.length > 0 ? Math.max(...peaks) : undefined,
    runs: results.length,
    last: results[results.length - 1],
  };
}
