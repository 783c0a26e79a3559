// Typing inside an async function body of the bench's 5,000-line Python file: every keystroke's
// findings must equal a fresh analysis's, and (with PY_INC_MEASURE=1) the CPU time per keystroke
// is printed, for comparing builds (no timing is asserted: speed is measured, not unit-tested).
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { generateBigFiles } from '../../bench/corpus';
import type { AnalysisResult } from '../../server/src/engine/engine';
import { incrementalStats } from '../../server/src/languages/python/incremental';
import { testEngine } from '../helpers/engine';

const MEASURE = process.env.PY_INC_MEASURE === '1';
const TYPED = '        await audit(f"typed {len(items)}")\n';

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function plain(result: AnalysisResult): unknown[] {
  return result.findings.map((f) => ({ ...f }));
}

describe('python keystrokes in a 5,000-line file', () => {
  it('keeps findings equal to a fresh analysis while typing inside an async body', async () => {
    const engine = await testEngine();
    const dir = await mkdtemp(path.join(tmpdir(), 'py-inc-'));
    let text: string;
    try {
      const big = await generateBigFiles(dir, 5000);
      text = await readFile(big.python, 'utf8');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // After the `payload = ...` line of an async function in the middle of the file.
    const anchor = text.indexOf('    payload = {"count": len(results)}\n', Math.floor(text.length / 2));
    assert.ok(anchor > 0);
    const at = text.indexOf('\n', anchor) + 1;
    const fileName = path.join(dir, 'big_service.py');
    engine.analyze({ fileName, text });
    const cpu: number[] = [];
    const phases = { parse: [] as number[], structure: [] as number[], rules: [] as number[] };
    const perRule = new Map<string, number[]>();
    let current = text;
    for (let i = 1; i <= TYPED.length * 3; i++) {
      const round = Math.floor((i - 1) / TYPED.length);
      const typed = TYPED.slice(0, ((i - 1) % TYPED.length) + 1);
      const base = text.slice(0, at) + TYPED.repeat(round);
      current = base + typed + text.slice(at);
      const started = cpuMs();
      const result = engine.analyze({ fileName, text: current });
      cpu.push(cpuMs() - started);
      phases.parse.push(result.timings.parseMs);
      phases.structure.push(result.timings.structureMs);
      phases.rules.push(Object.values(result.timings.rules).reduce((a, b) => a + b, 0));
      for (const [id, ms] of Object.entries(result.timings.rules)) perRule.set(id, [...(perRule.get(id) ?? []), ms]);
      if (i % 20 === 0 || i === TYPED.length * 3) {
        const fresh = engine.analyze({ fileName: `${fileName}.fresh.py`, text: current });
        engine.forget(`${fileName}.fresh.py`);
        assert.deepEqual(plain(result), plain(fresh), `after keystroke ${i}`);
      }
    }
    engine.forget(fileName);
    if (MEASURE) {
      console.log(
        `python keystrokes: ${cpu.length} edits, CPU median ${median(cpu).toFixed(1)} ms; ` +
          `phases (wall median): parse ${median(phases.parse).toFixed(1)}, structure ${median(phases.structure).toFixed(1)}, rules ${median(phases.rules).toFixed(1)} ms`,
      );
      console.log([...perRule].map(([id, ms]) => `${id} ${median(ms).toFixed(1)}`).join(', '));
    }
  });

  it("reuses findings while typing a statement on a new first line of a body, as the bench's editor driver does", async () => {
    const engine = await testEngine();
    const dir = await mkdtemp(path.join(tmpdir(), 'py-inc-'));
    let text: string;
    try {
      text = await readFile((await generateBigFiles(dir, 5000)).python, 'utf8');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Right after the `async def ...:` line (before the body's first statement), then erased again.
    const header = text.indexOf('async def ', Math.floor(text.length / 2));
    const at = text.indexOf('\n', header);
    const typed = '\n    time.sleep(0.5)';
    const fileName = path.join(dir, 'big_service.py');
    engine.analyze({ fileName, text });
    const reusedBefore = incrementalStats.reused;
    const steps = [...Array.from({ length: typed.length }, (_, i) => typed.slice(0, i + 1)), ...Array.from({ length: typed.length }, (_, i) => typed.slice(0, typed.length - 1 - i))];
    for (const [step, part] of steps.entries()) {
      const current = text.slice(0, at) + part + text.slice(at);
      const result = engine.analyze({ fileName, text: current });
      if (step % 7 === 0 || step === steps.length - 1) {
        const fresh = engine.analyze({ fileName: `${fileName}.fresh.py`, text: current });
        engine.forget(`${fileName}.fresh.py`);
        assert.deepEqual(plain(result), plain(fresh), `after step ${step} (${JSON.stringify(part)})`);
      }
    }
    engine.forget(fileName);
    // Each of the 8 focusable rules reuses on most of the 40 keystrokes.
    assert.ok(incrementalStats.reused - reusedBefore > 8 * 20, `findings were reused ${incrementalStats.reused - reusedBefore} times`);
  });
});
