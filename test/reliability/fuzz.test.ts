// Fuzzing: mutated corpus inputs (fixtures, snippets, docs examples, examples/) and random token
// soup, through parse → every rule → every fix. No exception may escape, no rule may record an
// internal error (except the parser's documented nesting limit), no analysis may exceed the bound.
// Seeded: a failure names its seed and input, and reproduces. Short run here; AG_STRESS=1 runs
// ≥ 100,000 inputs per language. A crash found becomes a JSON file in ./regressions/.
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Engine } from '../../server/src/engine/engine';
import type { PackId } from '../../server/src/engine/types';
import { repoRoot, testEngine } from '../helpers/engine';
import { exercise, mutate, pick, randomProgram, regressionText, seedCorpus, seeded, STRESS, type Problem, type RegressionInput, type Sample } from './support';

/** Short run: ~15 s on a quiet machine (a TypeScript input costs ~5× a Python one: the type-aware rules). */
const SHORT: Readonly<Record<PackId, number>> = { python: 200, typescript: 80 };
function inputsFor(pack: PackId): number {
  return Number(process.env.AG_FUZZ_INPUTS ?? (STRESS ? 100_000 : SHORT[pack]));
}
const SEED = Number(process.env.AG_FUZZ_SEED ?? 20240601);
const FAILURES_DIR = process.env.AG_FUZZ_FAILURES ?? path.join(os.tmpdir(), 'async-guardrails-fuzz-failures');
const REGRESSIONS = path.join(repoRoot, 'test', 'reliability', 'regressions');

const EXTENSIONS: Readonly<Record<PackId, readonly string[]>> = {
  python: ['.py', '.pyi'],
  typescript: ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'],
};

function signature(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.kind}: ${p.detail.split('\n')[0].replace(/\d+ ms/, 'N ms')}`).join(' | ');
}

/** Shrinks a failing input while the same failure (signature) still shows: lines, then characters. */
function minimise(engine: Engine, fileName: string, text: string, wanted: string): string {
  const fails = (candidate: string): boolean => signature(exercise(engine, fileName, candidate).problems) === wanted;
  let current = text;
  let budget = text.length > 50_000 ? 60 : 300;
  for (let chunk = Math.max(1, current.length >> 1); chunk >= 1 && budget > 0; chunk >>= 1) {
    for (let start = 0; start < current.length && budget > 0; ) {
      const candidate = current.slice(0, start) + current.slice(start + chunk);
      budget--;
      if (fails(candidate)) current = candidate;
      else start += chunk;
    }
  }
  return current;
}

interface Failure {
  seed: number;
  index: number;
  fileName: string;
  origin: string;
  mutations: string[];
  problems: Problem[];
  minimised: string;
  savedAs: string;
}

function fuzz(engine: Engine, pack: PackId, corpus: readonly Sample[], count: number): { failures: Failure[]; findings: number; fixes: number; slowest: { ms: number; what: string } } {
  const random = seeded(SEED + (pack === 'python' ? 0 : 1));
  const own = corpus.filter((s) => s.pack === pack);
  const failures: Failure[] = [];
  const seen = new Set<string>();
  let findings = 0;
  let fixes = 0;
  let slowest = { ms: 0, what: '' };
  for (let index = 0; index < count; index++) {
    let text: string;
    let origin: string;
    let mutations: string[];
    let ext: string;
    if (own.length > 0 && random() < 0.85) {
      const sample = pick(random, own);
      ({ text, applied: mutations } = mutate(random, sample, corpus));
      origin = sample.origin;
      ext = path.extname(sample.fileName);
    } else {
      text = randomProgram(random, pack);
      origin = 'random tokens';
      mutations = [];
      ext = pick(random, EXTENSIONS[pack]);
    }
    const fileName = path.join(path.sep, 'fuzz', `input${index}${ext}`);
    const started = performance.now();
    // Every input is analysed; its fixes are applied and re-analysed up to a cap per input (a
    // mutated file with a 60,000-character line and 50 findings would otherwise cost 50 analyses).
    const outcome = exercise(engine, fileName, text, { maxFixes: text.length < 20_000 ? 8 : 1 });
    const took = performance.now() - started;
    if (took > slowest.ms) slowest = { ms: took, what: `#${index} ${origin} (${mutations.join(', ')}; ${text.length} chars)` };
    findings += outcome.findings;
    fixes += outcome.fixes;
    if (outcome.problems.length === 0) continue;
    const sig = signature(outcome.problems);
    if (seen.has(sig) || failures.length >= 20) continue;
    seen.add(sig);
    const minimised = outcome.problems.some((p) => p.kind === 'timeout') ? text : minimise(engine, fileName, text, sig);
    mkdirSync(FAILURES_DIR, { recursive: true });
    const savedAs = path.join(FAILURES_DIR, `${pack}-${SEED}-${index}.json`);
    writeFileSync(savedAs, `${JSON.stringify({ fileName: `regression${ext}`, found: sig, origin, mutations, text: minimised }, null, 2)}\n`);
    failures.push({ seed: SEED, index, fileName, origin, mutations, problems: outcome.problems, minimised, savedAs });
  }
  return { failures, findings, fixes, slowest };
}

function report(failures: readonly Failure[]): string {
  return failures
    .map(
      (f) =>
        `input #${f.index} (seed ${f.seed}; ${f.origin}; mutations ${f.mutations.join(', ') || 'none'}), saved as ${f.savedAs}\n` +
        f.problems.map((p) => `  ${p.kind}: ${p.detail.split('\n').slice(0, 4).join('\n    ')}`).join('\n') +
        `\n  minimised input: ${JSON.stringify(f.minimised.length > 600 ? `${f.minimised.slice(0, 600)}…` : f.minimised)}`,
    )
    .join('\n');
}

describe(`fuzzing (seed ${SEED})`, () => {
  for (const pack of ['python', 'typescript'] as const) {
    it(`${pack}: ${inputsFor(pack)} mutated and random inputs never crash, hang or break a rule`, async (t) => {
      const engine = await testEngine();
      const corpus = seedCorpus();
      const started = performance.now();
      const { failures, findings, fixes, slowest } = fuzz(engine, pack, corpus, inputsFor(pack));
      const seconds = (performance.now() - started) / 1000;
      const summary = `${pack}: ${inputsFor(pack)} inputs fuzzed (${corpus.filter((s) => s.pack === pack).length} seeds), ${findings} findings, ${fixes} fixes applied and re-analysed, slowest input ${Math.round(slowest.ms)} ms (${slowest.what}), ${seconds.toFixed(1)} s`;
      t.diagnostic(summary);
      if (STRESS) process.stdout.write(`# ${summary}\n`);
      assert.equal(failures.length, 0, `${failures.length} distinct failures:\n${report(failures)}`);
    });
  }

  describe('regression inputs (test/reliability/regressions/)', () => {
    for (const file of readdirSync(REGRESSIONS).filter((f) => f.endsWith('.json')).sort()) {
      it(file, async () => {
        const engine = await testEngine();
        const input = JSON.parse(await readFile(path.join(REGRESSIONS, file), 'utf8')) as RegressionInput;
        const { problems } = exercise(engine, path.join(path.sep, 'fuzz', input.fileName), regressionText(input));
        assert.deepEqual(
          problems.map((p) => `${p.kind}: ${p.detail.split('\n')[0]}`),
          [],
          `found first: ${input.found}`,
        );
      });
    }
  });
});
