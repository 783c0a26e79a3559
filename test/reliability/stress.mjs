// `npm run test:stress` after the build: the long reliability runs (AG_STRESS=1).
//   node test/reliability/stress.mjs <out-root> [shards] [--fuzz-only]
// 1. The fuzzer, split into shards run side by side (default: one per core, at most 4): shard k
//    analyses the inputs whose index is k modulo n (every shard generates the same sequence, so
//    an index names the same input in any run). Each shard prints its counts; the totals per
//    language are printed at the end.
// 2. The other reliability test files, one at a time (some measure the server while it works).
// Exits non-zero when any test failed.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const fuzzOnly = process.argv.includes('--fuzz-only');
const outRoot = path.resolve(positional[0] ?? 'out/stress');
const testDir = path.join(outRoot, 'test', 'reliability');
const shards = Number(positional[1] ?? Math.min(4, Math.max(1, os.availableParallelism())));
const TIMEOUT = ['--test-timeout=14400000'];

/** Runs `node --test …` with extra environment; resolves with its exit code and its output. */
function nodeTest(args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', ...TIMEOUT, '--test-reporter=spec', ...args], { env: { ...process.env, AG_STRESS: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const started = Date.now();
const fuzzFile = path.join(testDir, 'fuzz.test.js');
const fuzzRuns = await Promise.all(Array.from({ length: shards }, (_, k) => nodeTest([fuzzFile], { AG_FUZZ_SHARD: `${k}/${shards}` })));
const totals = new Map();
for (const { output } of fuzzRuns) {
  for (const match of output.matchAll(/^# (python|typescript): (\d+) inputs fuzzed.*?, (\d+) fixes applied/gm)) {
    const [inputs, fixes] = totals.get(match[1]) ?? [0, 0];
    totals.set(match[1], [inputs + Number(match[2]), fixes + Number(match[3])]);
  }
}
const fuzzMinutes = ((Date.now() - started) / 60_000).toFixed(1);

const others = (await readdir(testDir)).filter((f) => f.endsWith('.test.js') && f !== 'fuzz.test.js').sort();
const otherRun = fuzzOnly ? { code: 0, output: '' } : await nodeTest(['--test-concurrency=1', ...others.map((f) => path.join(testDir, f))], {});

process.stdout.write(`\n# stress totals (${shards} fuzz shards, ${fuzzMinutes} min; everything ${((Date.now() - started) / 60_000).toFixed(1)} min)\n`);
for (const [pack, [inputs, fixes]] of totals) process.stdout.write(`# ${pack}: ${inputs} inputs fuzzed, ${fixes} fixes applied and re-analysed\n`);
const failed = [...fuzzRuns, otherRun].some((r) => r.code !== 0);
process.stdout.write(failed ? '# stress: FAILED\n' : '# stress: passed\n');
process.exitCode = failed ? 1 : 0;
