// Runs the real bundled CLI (dist/cli.js, what bin/async-guardrails.js loads) as a user would.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { distDir, repoRoot } from './helpers/engine';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
  fixable: boolean;
}

function cli(args: string[], cwd = repoRoot): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = mkdtempSync(path.join(tmpdir(), 'ag-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('CLI', () => {
  it('reports the examples in both languages as JSON and exits 1', () => {
    const { status, stdout } = cli(['examples', '--format', 'json']);
    assert.equal(status, 1);
    const findings = JSON.parse(stdout) as JsonFinding[];
    const keys = ['file', 'line', 'column', 'endLine', 'endColumn', 'rule', 'severity', 'message', 'fixable'];
    for (const f of findings) assert.deepEqual(Object.keys(f).sort(), [...keys].sort());
    const seen = new Set(findings.map((f) => `${path.extname(f.file)} ${f.rule}`));
    for (const expected of ['.py blocking-call-in-async', '.py untracked-task', '.ts blocking-call-in-async', '.ts untracked-task', '.js blocking-call-in-async', '.js untracked-task']) {
      assert.ok(seen.has(expected), `missing ${expected} in ${[...seen].join(', ')}`);
    }
    const sleep = findings.find((f) => f.file === 'examples/python/orders.py' && f.message.includes('time.sleep'));
    assert.ok(sleep, 'time.sleep in orders.py reported');
    assert.deepEqual([sleep.line, sleep.column, sleep.endLine, sleep.endColumn], [23, 5, 23, 18]);
    assert.equal(sleep.fixable, true);
    // Sync functions are never flagged.
    assert.ok(!findings.some((f) => f.file === 'examples/python/orders.py' && f.line === 35));
  });

  it('prints one line per finding and a summary in text format', () => {
    const { status, stdout } = cli(['examples/python']);
    assert.equal(status, 1);
    assert.match(stdout, /^examples\/python\/orders\.py:23:5: error .*\[blocking-call-in-async\] \(fixable\)$/m);
    assert.match(stdout, /^Found \d+ problems \(\d+ errors?, /m);
  });

  it('exits 0 when findings are below error level, and --rule can switch a rule off', () => {
    const lowered = cli(['examples', '--rule', 'blocking-call-in-async=warning', '--rule', 'untracked-task=info']);
    assert.equal(lowered.status, 0, lowered.stderr);
    const off = cli(['examples', '--format', 'json', '--rule=blocking-call-in-async=off', '--rule=untracked-task=off']);
    assert.equal(off.status, 0);
    assert.deepEqual(JSON.parse(off.stdout), []);
  });

  it('exits 2 with a one-line message for usage errors and unreadable paths', () => {
    const missing = cli(['no/such/dir']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no\/such\/dir: no such file or directory/);
    const badFlag = cli(['--format', 'xml']);
    assert.equal(badFlag.status, 2);
    assert.match(badFlag.stderr, /--format must be text or json/);
    const badRule = cli(['examples', '--rule', 'no-such-rule=error']);
    assert.equal(badRule.status, 2);
    assert.match(badRule.stderr, /unknown rule no-such-rule/);
  });

  it('walks directories honouring .gitignore and skipping node_modules, .venv and dist', () => {
    const project = path.join(scratch, 'walk');
    const bad = 'import time\n\nasync def f():\n    time.sleep(1)\n';
    for (const dir of ['src', 'node_modules/pkg', '.venv/lib', 'dist', 'generated', 'src/nested']) mkdirSync(path.join(project, dir), { recursive: true });
    for (const file of ['src/a.py', 'node_modules/pkg/b.py', '.venv/lib/c.py', 'dist/d.py', 'generated/e.py', 'src/nested/f.py', 'src/nested/skip.py']) {
      writeFileSync(path.join(project, file), bad);
    }
    writeFileSync(path.join(project, '.gitignore'), 'generated/\n');
    writeFileSync(path.join(project, 'src', 'nested', '.gitignore'), 'skip.py\n');
    const { stdout } = cli(['.', '--format', 'json'], project);
    const files = [...new Set((JSON.parse(stdout) as JsonFinding[]).map((f) => f.file))].sort();
    assert.deepEqual(files, ['src/a.py', 'src/nested/f.py']);
  });

  it('--fix applies safe fixes only and reports what is left', () => {
    const dir = path.join(scratch, 'fix');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'svc.py');
    writeFileSync(file, 'import asyncio\nimport time\n\nasync def f():\n    time.sleep(1)\n    asyncio.create_task(f())\n');
    const { status, stdout } = cli(['svc.py', '--fix', '--format', 'json'], dir);
    assert.equal(status, 1);
    assert.equal(readFileSync(file, 'utf8'), 'import asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(1)\n    asyncio.create_task(f())\n');
    assert.deepEqual((JSON.parse(stdout) as JsonFinding[]).map((f) => f.rule), ['untracked-task']);
  });

  it('reports a binary file with a source extension and goes on', () => {
    const dir = path.join(scratch, 'binary');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'blob.py'), Buffer.from([0, 1, 2, 3, 0, 255]));
    writeFileSync(path.join(dir, 'ok.py'), 'x = 1\n');
    const { status, stderr, stdout } = cli(['.'], dir);
    assert.equal(status, 0);
    assert.match(stderr, /skipped .*blob\.py: binary content/);
    assert.match(stdout, /No problems found in 2 files\./);
  });
});
