// Hostile files: a 20 MB source file, a minified one-line bundle, binary content with a source
// extension, invalid UTF-8. Each must be analysed within a bound or skipped with a clear message,
// in the CLI and in the server; and while one is open, other documents still get their
// diagnostics in the usual time. The big ones run out of process (CLI, server) with time limits,
// so a missing guard fails the test instead of hanging the suite.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { distDir, repoRoot, testEngine } from '../helpers/engine';
import { TestClient } from '../helpers/lspClient';
import { ALL_RULES, cpuMs, EXPECTED_INTERNAL_ERROR, seeded } from './support';

/** Wall-clock bounds (generous: a busy shared machine). */
const CLI_BOUND_MS = 20_000;
const PULL_BOUND_MS = 5_000;
/** "The usual time" for a small document's diagnostics is measured; this is the floor of the bound. */
const SMALL_FLOOR_MS = 1_000;
const SKIP_MESSAGE = /skip|not analy[sz]ed|too large|minified|binary/i;

const TS = 'import { readFileSync } from "node:fs";\n\nexport async function load(path: string): Promise<string> {\n  return readFileSync(path, "utf8");\n}\n';

function bigText(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length));
}

/** A real minified one-line bundle: vscode-languageserver's protocol bundle through esbuild --minify (~0.3 MB). */
function minifiedBundle(): Promise<string> {
  const entry = path.join(repoRoot, 'node_modules', 'vscode-languageserver', 'lib', 'node', 'main.js');
  return new Promise((resolve, reject) => {
    execFile(path.join(repoRoot, 'node_modules', '.bin', 'esbuild'), [entry, '--bundle', '--minify', '--platform=node', '--log-level=error'], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error !== null) reject(error);
      else resolve(stdout.replace(/\n/g, ' '));
    });
  });
}

function binaryBytes(size: number): Buffer {
  const random = seeded(99);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

const INVALID_UTF8 = Buffer.concat([Buffer.from('import time\n\n\nasync def poll() -> None:\n    x = "'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe]), Buffer.from('"\n    time.sleep(1)\n')]);

function cli(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; timedOut: boolean }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(distDir, 'cli.js'), ...args], { cwd, timeout: CLI_BOUND_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const timedOut = error !== null && (error as { killed?: boolean }).killed === true;
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null;
      resolve({ code, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  return Promise.race([promise, new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref())]);
}

describe('hostile files', () => {
  let root: string;
  const files: Record<string, Buffer | string> = {};
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'ag-hostile-'));
    files['huge.py'] = bigText(await readFile(path.join(repoRoot, 'examples', 'python', 'orders.py'), 'utf8'), 20 * 1024 * 1024);
    files['huge.ts'] = bigText(await readFile(path.join(repoRoot, 'examples', 'typescript', 'orders.ts'), 'utf8'), 20 * 1024 * 1024);
    files['bundle.min.js'] = await minifiedBundle();
    files['binary.py'] = binaryBytes(64 * 1024);
    files['binary.ts'] = binaryBytes(64 * 1024);
    files['invalid-utf8.py'] = INVALID_UTF8;
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(root, name), content);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('in-process (small hostile content)', () => {
    it('binary bytes and invalid UTF-8, decoded as an editor would, analyse without errors within the bound', async () => {
      const engine = await testEngine();
      const inputs: [string, string][] = [
        ['binary.py', binaryBytes(64 * 1024).toString('utf8')],
        ['binary.ts', binaryBytes(64 * 1024).toString('latin1')],
        ['invalid-utf8.py', INVALID_UTF8.toString('utf8')],
      ];
      for (const [name, text] of inputs) {
        const started = cpuMs();
        const result = engine.analyze({ text, fileName: path.join(root, name), settings: ALL_RULES });
        assert.deepEqual(result.internalErrors.filter((e) => !EXPECTED_INTERNAL_ERROR.test(e)), [], name);
        assert.ok(cpuMs() - started < 2000, `${name} took ${Math.round(cpuMs() - started)} ms`);
      }
      const invalid = engine.analyze({ text: INVALID_UTF8.toString('utf8'), fileName: path.join(root, 'invalid-utf8.py'), settings: ALL_RULES });
      assert.ok(invalid.findings.some((f) => f.ruleId === 'blocking-call-in-async'), 'the valid parts of an invalid-UTF-8 file are still analysed');
    });
  });

  describe('CLI', () => {
    for (const name of ['huge.py', 'huge.ts', 'bundle.min.js', 'binary.py', 'binary.ts', 'invalid-utf8.py']) {
      it(`${name}: analysed within ${CLI_BOUND_MS / 1000} s or skipped with a message naming it`, async () => {
        const run = await cli(root, [name, '--format', 'json']);
        assert.equal(run.timedOut, false, `the CLI was still busy with ${name} after ${CLI_BOUND_MS} ms: the engine needs a size guard`);
        assert.doesNotMatch(run.stderr, /internal error/i, run.stderr);
        const skipped = run.stderr.includes(name) && SKIP_MESSAGE.test(run.stderr.replaceAll(name, ''));
        const analysed = run.code === 0 || run.code === 1;
        assert.ok(skipped || analysed, `exit ${run.code}, stderr: ${run.stderr.slice(0, 300)}`);
        if (name.startsWith('binary')) assert.ok(skipped, `binary content must be skipped with a message: ${run.stderr}`);
      });
    }
  });

  describe('server', () => {
    /** A server per hostile file: one stuck in an unguarded analysis must not fail the next test. */
    async function serverWithUsualLatency(): Promise<{ client: TestClient; usualMs: number }> {
      const client = await TestClient.start({ transport: 'ipc' });
      const uri = await client.open('usual.ts', 'typescript', TS);
      await client.diagnostics(uri);
      const started = Date.now();
      for (let i = 0; i < 5; i++) {
        await client.change(uri, `${TS}\n// edit ${i}\n`);
        await client.diagnostics(uri);
      }
      await client.close(uri);
      return { client, usualMs: (Date.now() - started) / 5 };
    }

    for (const [name, languageId] of [
      ['huge.py', 'python'],
      ['bundle.min.js', 'javascript'],
      ['binary.py', 'python'],
    ] as const) {
      it(`${name} open: answered within ${PULL_BOUND_MS / 1000} s (or skipped with a message), other documents keep their usual latency`, async (t) => {
        const { client, usualMs } = await serverWithUsualLatency();
        try {
          const content = files[name];
          const text = typeof content === 'string' ? content : content.toString('utf8');
          const hostile = await client.open(`hostile-${name}`, languageId, text);
          const logsBefore = client.logs.length;
          const pending = client.diagnostics(hostile);
          const small = await client.open(`small-${name}.ts`, 'typescript', TS);
          const started = Date.now();
          const smallDiagnostics = await within(client.diagnostics(small), 30_000);
          const smallMs = Date.now() - started;
          const hostileResult = await within(pending, PULL_BOUND_MS);
          const bound = Math.max(SMALL_FLOOR_MS, 5 * usualMs);
          t.diagnostic(`usual latency ${usualMs.toFixed(0)} ms; with ${name} (${(text.length / 1024 / 1024).toFixed(1)} MB) open: ${smallMs} ms`);
          assert.notEqual(smallDiagnostics, 'timed out', `a small document got no diagnostics within 30 s while ${name} was open`);
          assert.ok(smallMs <= bound, `a small document waited ${smallMs} ms for diagnostics while ${name} was open (usual ${usualMs.toFixed(0)} ms, bound ${bound.toFixed(0)} ms)`);
          assert.notEqual(hostileResult, 'timed out', `${name}: no diagnostics within ${PULL_BOUND_MS} ms`);
          if (name.startsWith('binary')) {
            const said = client.logs.slice(logsBefore).concat(client.statuses.map((s) => JSON.stringify(s)));
            assert.ok(said.some((m) => m.includes(name) && SKIP_MESSAGE.test(m.replaceAll(name, ''))), `no message says ${name} was skipped`);
          }
        } finally {
          // A server stuck in an unguarded analysis would not answer shutdown: kill it.
          client.child.kill('SIGKILL');
          client.connection.dispose();
        }
      });
    }
  });
});
