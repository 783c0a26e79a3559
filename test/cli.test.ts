// Runs the real bundled CLI (dist/cli.js, what bin/async-guardrails.js loads) as a user would.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function cli(args: string[], cwd = repoRoot, input?: string): { status: number | null; stdout: string; stderr: string } {
  CORE ??= only('blocking-call-in-async', 'untracked-task');
  return cliRaw([...args, ...CORE], cwd, input);
}

function cliRaw(args: string[], cwd = repoRoot, input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let knownRules: string[] | undefined;

/** `--rule <id>=off` for every rule the built CLI knows but `keep`: these tests are about the CLI, not about which rules exist. */
function only(...keep: string[]): string[] {
  if (knownRules === undefined) {
    // The SARIF report lists every rule of the build, even for an empty run.
    const sarif = JSON.parse(cliRaw(['--stdin', '--stdin-filename', 'empty.py', '--format', 'sarif'], repoRoot, '').stdout) as { runs: { tool: { driver: { rules: { id: string }[] } } }[] };
    knownRules = sarif.runs[0].tool.driver.rules.map((rule) => rule.id);
  }
  return knownRules.filter((id) => !keep.includes(id)).flatMap((id) => ['--rule', `${id}=off`]);
}

let CORE: string[] | undefined;

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
    assert.match(badFlag.stderr, /--format must be one of text, json, sarif, github/);
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
    assert.match(stdout, /No problems found in 1 file\./);
  });

  it('reports a file that is not valid UTF-8 and goes on', () => {
    const dir = path.join(scratch, 'latin1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'legacy.py'), Buffer.from('# -*- coding: latin-1 -*-\nname = "caf\xe9"\n', 'latin1'));
    writeFileSync(path.join(dir, 'bad.py'), 'import time\n\nasync def f():\n    time.sleep(1)\n');
    const { status, stderr, stdout } = cli(['.', '--format', 'json'], dir);
    assert.equal(status, 1);
    assert.match(stderr, /skipped legacy\.py: not valid UTF-8/);
    assert.deepEqual((JSON.parse(stdout) as JsonFinding[]).map((f) => f.file), ['bad.py']);
  });
});

const PY_BAD = 'import asyncio\nimport time\n\nasync def f():\n    time.sleep(1)\n    asyncio.create_task(f())\n';

describe('CLI formats and exit codes for CI', () => {
  it('--format github prints one workflow annotation per finding, escaped', () => {
    const { status, stdout } = cli(['examples/python', '--format', 'github']);
    assert.equal(status, 1);
    const lines = stdout.trim().split('\n');
    assert.ok(lines.length > 0);
    for (const line of lines) assert.match(line, /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=async-guardrails\([a-z-]+\)::\S/);
    assert.ok(lines.includes('::error file=examples/python/orders.py,line=23,col=5,endLine=23,endColumn=18,title=async-guardrails(blocking-call-in-async)::`time.sleep` blocks the event loop inside an async function; use `await asyncio.sleep(...)`.'), stdout);
    const lowered = cli(['examples/python', '--format', 'github', '--rule', 'blocking-call-in-async=info', '--rule', 'untracked-task=warning']);
    assert.match(lowered.stdout, /^::notice file=/m);
    assert.match(lowered.stdout, /^::warning file=/m);
  });

  it('--max-warnings fails the run only when warnings exceed the limit', () => {
    const dir = path.join(scratch, 'warnings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.py'), PY_BAD);
    const asWarnings = ['a.py', '--rule', 'blocking-call-in-async=warning', '--rule', 'untracked-task=warning'];
    assert.equal(cli([...asWarnings], dir).status, 0);
    assert.equal(cli([...asWarnings, '--max-warnings', '2'], dir).status, 0);
    const over = cli([...asWarnings, '--max-warnings', '1'], dir);
    assert.equal(over.status, 1);
    assert.match(over.stderr, /2 warnings found, more than --max-warnings 1/);
    assert.equal(cli([...asWarnings, '--max-warnings=0'], dir).status, 1);
    const bad = cli(['a.py', '--max-warnings', 'many'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--max-warnings expects a whole number, got "many"/);
  });

  it('--stdin analyses the text as the named file; with --fix it prints the fixed text', () => {
    const json = cli(['--stdin', '--stdin-filename', 'svc/handler.py', '--format', 'json'], scratch, PY_BAD);
    assert.equal(json.status, 1);
    const findings = JSON.parse(json.stdout) as JsonFinding[];
    assert.deepEqual(
      findings.map((f) => [f.file, f.rule, f.line]),
      [
        ['svc/handler.py', 'blocking-call-in-async', 5],
        ['svc/handler.py', 'untracked-task', 6],
      ],
    );
    const asTs = cli(['--stdin', '--stdin-filename', 'x.ts', '--format', 'json'], scratch, PY_BAD);
    assert.notDeepEqual(JSON.parse(asTs.stdout), findings, 'the file name picks the language');

    const fixed = cli(['--stdin', '--stdin-filename', 'svc/handler.py', '--fix'], scratch, PY_BAD);
    assert.equal(fixed.stdout, 'import asyncio\nimport time\n\nasync def f():\n    await asyncio.sleep(1)\n    asyncio.create_task(f())\n');
    assert.match(fixed.stderr, /svc\/handler\.py:6:5: error .*\[untracked-task\]/);
    assert.equal(fixed.status, 1);
    const unsafe = cli(['--stdin', '--stdin-filename', 'svc/handler.py', '--fix', '--unsafe-fixes'], scratch, PY_BAD);
    assert.doesNotMatch(unsafe.stdout, /^    asyncio\.create_task/m);

    assert.equal(cli(['--stdin'], scratch, '').status, 2);
    assert.equal(cli(['--stdin-filename', 'a.py'], scratch, '').status, 2);
  });

  it('finds config files as the editor does; --rule wins over them; exclude globs skip files', () => {
    const dir = path.join(scratch, 'config');
    mkdirSync(path.join(dir, 'svc', 'gen'), { recursive: true });
    writeFileSync(path.join(dir, 'svc', 'a.py'), PY_BAD);
    writeFileSync(path.join(dir, 'svc', 'gen', 'b.py'), PY_BAD);
    writeFileSync(path.join(dir, 'async-guardrails.toml'), 'exclude = ["gen/"]\n\n[rules]\n"untracked-task" = "warning"\n"blocking-call-in-async" = "off"\n');
    const configured = cli(['.', '--format', 'json'], dir);
    assert.equal(configured.status, 0, configured.stderr);
    const findings = JSON.parse(configured.stdout) as JsonFinding[];
    assert.deepEqual(findings.map((f) => [f.file, f.rule, f.severity]), [['svc/a.py', 'untracked-task', 'warning']]);
    // The command line wins over the config.
    const overridden = JSON.parse(cli(['.', '--format', 'json', '--rule', 'untracked-task=error'], dir).stdout) as JsonFinding[];
    assert.deepEqual(overridden.map((f) => f.severity), ['error']);
    // --stdin takes the config of the file it is named as.
    const piped = JSON.parse(cli(['--stdin', '--stdin-filename', 'svc/c.py', '--format', 'json'], dir, PY_BAD).stdout) as JsonFinding[];
    assert.deepEqual(piped.map((f) => [f.rule, f.severity]), [['untracked-task', 'warning']]);
  });

  it('--config uses one file for every checked file', () => {
    const dir = path.join(scratch, 'explicit-config');
    mkdirSync(path.join(dir, 'ci'), { recursive: true });
    writeFileSync(path.join(dir, 'a.py'), PY_BAD);
    writeFileSync(path.join(dir, 'async-guardrails.toml'), '[rules]\n"untracked-task" = "off"\n');
    writeFileSync(path.join(dir, 'ci', 'strict.toml'), '[rules]\n"blocking-call-in-async" = "warning"\n');
    const explicit = JSON.parse(cli(['.', '--format', 'json', '--config', 'ci/strict.toml'], dir).stdout) as JsonFinding[];
    assert.deepEqual(explicit.map((f) => [f.rule, f.severity]), [['blocking-call-in-async', 'warning'], ['untracked-task', 'error']]);
  });

  it('a config problem stops the run with exit 2 and one line naming the file and the problem', () => {
    const dir = path.join(scratch, 'bad-config');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.py'), PY_BAD);
    writeFileSync(path.join(dir, 'async-guardrails.toml'), '[rules]\n"no-such-rule" = "error"\n');
    const discovered = cli(['.'], dir);
    assert.equal(discovered.status, 2);
    assert.equal(discovered.stdout, '');
    assert.equal(discovered.stderr.trim().split('\n').length, 1, discovered.stderr);
    assert.match(discovered.stderr, /^async-guardrails: async-guardrails\.toml:2:\d+: .*no-such-rule/);

    const missing = cli(['.', '--config', 'no-such-config.toml'], dir);
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /^async-guardrails: no-such-config\.toml: no such file$/m);

    writeFileSync(path.join(dir, 'broken.toml'), '[rules\n');
    const broken = cli(['a.py', '--config', 'broken.toml'], dir);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /^async-guardrails: broken\.toml:1:\d+: /);
  });

  it('instructions writes the assistants\' instructions file for the rules in force', () => {
    const dir = path.join(scratch, 'instructions');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'a.py'), 'x = 1\n');
    const first = cliRaw(['instructions'], dir);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^Wrote \.github\/copilot-instructions\.md$/m);
    const text = readFileSync(path.join(dir, '.github', 'copilot-instructions.md'), 'utf8');
    assert.match(text, /create_task/);
    assert.match(cliRaw(['instructions'], dir).stdout, /^Unchanged: /m);
    const scoped = cliRaw(['instructions', '--format', 'instructions'], dir);
    assert.equal(scoped.status, 0, scoped.stderr);
    assert.ok(existsSync(path.join(dir, '.github', 'instructions', 'async-guardrails.instructions.md')));
    assert.equal(cliRaw(['instructions', '--format', 'yaml'], dir).status, 2);
  });
});

function generatedTree(name: string, count: number): string {
  const dir = path.join(scratch, name);
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `pkg${i % 7}`);
    mkdirSync(sub, { recursive: true });
    if (i % 2 === 0) writeFileSync(path.join(sub, `mod${i}.py`), i % 3 === 0 ? PY_BAD : `async def f${i}():\n    return ${i}\n`);
    else
      writeFileSync(
        path.join(sub, `mod${i}.ts`),
        i % 3 === 0 ? `import { readFileSync } from "node:fs";\nexport async function f${i}(p: string) {\n  return readFileSync(p, "utf8");\n}\n` : `export const v${i} = ${i};\n`,
      );
  }
  return dir;
}

describe('CLI on larger trees', () => {
  it('--threads gives the same report as one thread', () => {
    const dir = generatedTree('threads', 60);
    const one = cli(['.', '--format', 'json', '--threads', '1'], dir);
    const two = cli(['.', '--format', 'json', '--threads', '2'], dir);
    assert.equal(one.status, 1);
    assert.equal(two.status, 1, two.stderr);
    assert.ok((JSON.parse(one.stdout) as JsonFinding[]).length >= 20);
    assert.equal(two.stdout, one.stdout);
    assert.equal(cli(['.', '--threads', '0'], dir).status, 2);
  });

  it('--shard i/n splits the files into stable, disjoint parts that cover the run', () => {
    const dir = generatedTree('shards', 30);
    const all = (JSON.parse(cli(['.', '--format', 'json'], dir).stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.rule}`);
    const parts = [1, 2, 3].map((i) => (JSON.parse(cli(['.', '--format', 'json', '--shard', `${i}/3`], dir).stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.rule}`));
    assert.deepEqual(parts.flat().sort(), [...all].sort());
    for (const part of parts) assert.ok(part.length > 0 && part.length < all.length, 'each shard holds some findings');
    const again = (JSON.parse(cli(['.', '--format', 'json', '--shard', '2/3'], dir).stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.rule}`);
    assert.deepEqual(again, parts[1]);
    // A file's shard depends on its own path only: adding files moves nothing.
    writeFileSync(path.join(dir, 'zz_new.py'), PY_BAD);
    const after = (JSON.parse(cli(['.', '--format', 'json', '--shard', '2/3'], dir).stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.rule}`);
    assert.deepEqual(after.filter((f) => !f.startsWith('zz_new')), parts[1]);
    for (const bad of ['0/3', '4/3', '1of3', '1/0']) assert.equal(cli(['.', '--shard', bad], dir).status, 2, bad);
  });

  it('--cache reuses results of unchanged files and recomputes on content, settings or project changes', () => {
    const dir = generatedTree('cache', 12);
    writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    const location = path.join(scratch, 'cache-store');
    const run = (...extra: string[]): JsonFinding[] => JSON.parse(cli(['.', '--format', 'json', '--cache', '--cache-location', location, ...extra], dir).stdout) as JsonFinding[];
    const first = run();
    const cacheFile = path.join(location, 'results.json');
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: Record<string, { findings: { message: string }[] }> };
    assert.equal(Object.keys(stored.entries).length, 12);
    // Plant a marker in every cached finding: a run that shows it read the cache.
    for (const entry of Object.values(stored.entries)) for (const f of entry.findings) f.message = 'FROM-CACHE';
    writeFileSync(cacheFile, JSON.stringify(stored));
    const second = run();
    assert.equal(second.length, first.length);
    assert.ok(second.every((f) => f.message === 'FROM-CACHE'));
    // Content change: that file only is analysed again.
    writeFileSync(path.join(dir, 'pkg0', 'mod0.py'), `${PY_BAD}\n# edited\n`);
    const third = run();
    assert.ok(third.filter((f) => f.file === 'pkg0/mod0.py').every((f) => f.message !== 'FROM-CACHE'));
    assert.ok(third.filter((f) => f.file.endsWith('.py') && f.file !== 'pkg0/mod0.py').every((f) => f.message === 'FROM-CACHE'));
    // TypeScript files depend on their project: any change to one recomputes its project.
    writeFileSync(path.join(dir, 'pkg1', 'mod1.ts'), 'export const v1 = 2;\n');
    assert.ok(run().filter((f) => f.file.endsWith('.ts')).every((f) => f.message !== 'FROM-CACHE'));
    // Settings change: everything is analysed again.
    const lowered = run('--rule', 'untracked-task=warning');
    assert.ok(lowered.every((f) => f.message !== 'FROM-CACHE'));
    assert.ok(lowered.some((f) => f.rule === 'untracked-task' && f.severity === 'warning'));
  });

  it('--cache defaults to node_modules/.cache/async-guardrails, else .async-guardrails-cache', () => {
    const plain = generatedTree('cache-default', 3);
    cli(['.', '--cache'], plain);
    assert.ok(existsSync(path.join(plain, '.async-guardrails-cache', 'results.json')));
    const withModules = generatedTree('cache-default-nm', 3);
    mkdirSync(path.join(withModules, 'node_modules'));
    cli(['.', '--cache'], withModules);
    assert.ok(existsSync(path.join(withModules, 'node_modules', '.cache', 'async-guardrails', 'results.json')));
  });

  it('prints where the time went with --timings, and only then', () => {
    const dir = generatedTree('timings', 4);
    const { status, stdout, stderr } = cli(['.', '--format', 'json', '--timings'], dir);
    assert.equal(status, 1);
    assert.ok(JSON.parse(stdout).length > 0, 'the report on stdout is unchanged');
    const rows = new Map(
      stderr
        .split('\n')
        .map((line) => /^(\S+)\s+(\d+\.\d)\s+/.exec(line))
        .filter((match) => match !== null)
        .map((match) => [match[1], Number(match[2])]),
    );
    for (const part of ['(parse)', '(structure)', 'blocking-call-in-async', 'untracked-task', 'total']) assert.ok(rows.has(part), `no ${part} row in:\n${stderr}`);
    assert.ok(!rows.has('swallowed-exception'), 'a rule turned off takes no time');
    assert.match(stderr, /over 4 file\(s\)/);
    assert.equal(cli(['.', '--format', 'json'], dir).stderr, '');
  });

  it('prints no progress bar when stderr is not a terminal', () => {
    const dir = generatedTree('quiet', 10);
    const { stderr } = cli(['.'], dir);
    assert.equal(stderr, '');
  });
});
