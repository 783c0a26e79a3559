// The real-editor tests, from nothing to a node:test summary:
//   1. scripts/e2e/setup.sh   Debian chromium + build tools, Node 24, code-server (pinned, cached in .e2e/)
//   2. node esbuild.mjs --production --out-root out/e2e     the extension's bundles (never the shared dist/)
//   3. vsce package from a staging copy                      the .vsix the tests install
//   4. esbuild test/e2e/*.e2e.ts and test/extension-host/    into out/e2e/tests
//   5. node --test (one file at a time)                      the UI tests and the extension-host suite
//
//   node scripts/e2e/run.mjs                 everything (npm run test:e2e)
//   node scripts/e2e/run.mjs --only snippet  test files whose name contains "snippet"
//   node scripts/e2e/run.mjs --docs-images   regenerate docs/images/*.png (npm run docs:images)
//   node scripts/e2e/run.mjs --use-dist      package the repository's dist/ as it is (no rebuild)
//   node scripts/e2e/run.mjs --reuse-vsix    keep out/e2e's .vsix from the last run (iterating on tests)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outRoot = path.join(root, 'out', 'e2e');
const args = process.argv.slice(2);
const docsImages = args.includes('--docs-images');
const useDist = args.includes('--use-dist');
const reuseVsix = args.includes('--reuse-vsix') && existsSync(path.join(outRoot, 'async-guardrails-e2e.vsix'));
const onlyIndex = args.indexOf('--only');
const only = docsImages ? 'images' : onlyIndex >= 0 ? args[onlyIndex + 1] ?? '' : '';
const started = Date.now();
const timings = [];

function seconds(since) {
  return ((Date.now() - since) / 1000).toFixed(1);
}

async function step(name, action) {
  const at = Date.now();
  process.stderr.write(`[e2e] ${name}…\n`);
  const result = await action();
  timings.push(`${name} ${seconds(at)} s`);
  return result;
}

/** Runs a command; resolves with its stdout (stderr passes through), rejects on a non-zero exit. */
function exec(command, commandArgs, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: options.cwd ?? root, stdio: ['ignore', options.inherit ? 'inherit' : 'pipe', 'inherit'], env: options.env ?? process.env });
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(stdout) : reject(Object.assign(new Error(`${command} ${commandArgs.join(' ')} exited ${code}`), { code }))));
  });
}

const setupOutput = await step('setup (scripts/e2e/setup.sh)', () => exec('bash', [path.join(root, 'scripts', 'e2e', 'setup.sh')]));
const tools = Object.fromEntries(
  setupOutput
    .split('\n')
    .map((line) => /^(E2E_[A-Z_]+)=(.*)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => [match[1], match[2]]),
);

const distDir = useDist ? path.join(root, 'dist') : path.join(outRoot, 'dist');
if (!useDist && !reuseVsix) {
  await step('build (esbuild --production --out-root out/e2e)', () => exec(process.execPath, ['esbuild.mjs', '--production', '--out-root', path.relative(root, outRoot)]));
}

const scratch = await mkdtemp(path.join(tmpdir(), 'ag-e2e-pack-'));
const vsix = path.join(outRoot, 'async-guardrails-e2e.vsix');
if (!reuseVsix) await step('package (vsce)', async () => {
  // vsce packages the folder it runs in: a copy of the repository's top level with the fresh dist/.
  // .vscodeignore decides what goes in, exactly as for `npm run package`.
  const stage = path.join(scratch, 'stage');
  await mkdir(stage, { recursive: true });
  const skip = new Set(['node_modules', 'out', 'dist', '.e2e', '.git', 'test', 'bench', 'examples']);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (skip.has(entry.name) || entry.name.endsWith('.vsix')) continue;
    await cp(path.join(root, entry.name), path.join(stage, entry.name), { recursive: true });
  }
  await cp(distDir, path.join(stage, 'dist'), { recursive: true });
  await mkdir(outRoot, { recursive: true });
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  await exec(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
    env: process.env,
  }).catch((error) => {
    throw new Error(`vsce failed in ${stage}: ${error.message}`);
  });
});

const testsOut = path.join(outRoot, 'tests');
const runnerExtension = path.join(outRoot, 'ext-host-runner');
const runnerVsix = path.join(outRoot, 'ext-host-runner.vsix');
await step('bundle the tests (esbuild)', async () => {
  await rm(testsOut, { recursive: true, force: true });
  const e2eDir = path.join(root, 'test', 'e2e');
  const entryPoints = (await readdir(e2eDir)).filter((f) => f.endsWith('.e2e.ts')).map((f) => path.join(e2eDir, f));
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline', logLevel: 'warning' };
  await esbuild.build({ ...common, entryPoints, outdir: testsOut, packages: 'external' });
  // The extension-host suite, as a tiny extension that runs it inside code-server on activation.
  await rm(runnerExtension, { recursive: true, force: true });
  await esbuild.build({
    ...common,
    entryPoints: { runner: path.join(root, 'test', 'extension-host', 'codeServerRunner.ts') },
    outdir: path.join(runnerExtension, 'dist'),
    external: ['vscode'],
  });
  await cp(path.join(root, 'test', 'extension-host', 'runner-package.json'), path.join(runnerExtension, 'package.json'));
  await writeFile(path.join(runnerExtension, 'README.md'), 'Runs the Async Guardrails extension-host suite (tests only).\n');
  await writeFile(path.join(runnerExtension, '.vscodeignore'), '**\n!dist/runner.js\n!package.json\n');
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  await exec(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', runnerVsix], { cwd: runnerExtension });
});

// The README pictures are regenerated on request (`npm run docs:images`), not in every test run:
// every UI test already saves its screenshots under out/e2e/screenshots.
const testFiles = (await readdir(testsOut))
  .filter((f) => f.endsWith('.e2e.js') && f.includes(only) && (only === 'images' || !f.startsWith('images.')))
  .map((f) => path.join(testsOut, f));
if (testFiles.length === 0) {
  console.error(`[e2e] no test file matches "${only}"`);
  process.exit(2);
}
const env = {
  ...process.env,
  ...tools,
  E2E_VSIX: vsix,
  E2E_RUNNER_VSIX: runnerVsix,
  E2E_SCREENSHOTS: path.join(outRoot, 'screenshots'),
  ...(docsImages ? { E2E_DOCS_IMAGES: path.join(root, 'docs', 'images') } : {}),
};
let failed = false;
await step('tests (node --test)', async () => {
  await rm(env.E2E_SCREENSHOTS, { recursive: true, force: true });
  await exec(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...testFiles], { env, inherit: true }).catch((error) => {
    failed = true;
    console.error(`[e2e] ${error.message}`);
  });
});
await rm(scratch, { recursive: true, force: true });
const summary = `[e2e] ${timings.join(' · ')} · total ${seconds(started)} s${failed ? ' · FAILED' : ''}`;
console.error(summary);
await writeFile(path.join(outRoot, 'timings.txt'), `${summary}\n`);
if (docsImages && !failed) console.error('[e2e] docs/images/*.png regenerated');
process.exit(failed ? 1 : 0);
