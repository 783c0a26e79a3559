// Config discovery: file names, nearest config per file, project facts, problems at the bad spot,
// the last good config kept while a file is broken, excludes, and the JSON schema.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import Ajv from 'ajv';
import {
  ConfigResolver,
  expandRuleLevels,
  lowestPythonVersion,
  matchesExclude,
  parseConfigFile,
  parseTargetVersion,
  type ConfigProblem,
} from '../../server/src/config';
import { registry } from '../../server/src/engine/registry';
import { repoRoot } from '../helpers/engine';

const scratch = mkdtempSync(path.join(tmpdir(), 'ag-config-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder holding the given files (relative path → text). */
async function tree(files: Record<string, string>): Promise<string> {
  const root = path.join(scratch, `t${counter++}`);
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(root, name);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, text, 'utf8');
  }
  await mkdir(root, { recursive: true });
  return root;
}

describe('parsing one config file', () => {
  it('reads async-guardrails.toml: rules, rule options, preview, exclude, python', () => {
    const text = [
      'preview = true',
      'exclude = ["generated/**", "*_pb2.py"]',
      '',
      '[rules]',
      'untracked-task = "error"',
      '"missing-*" = "off"',
      '',
      '[rule-options.missing-timeout]',
      'defaultTimeoutSeconds = 30',
      '',
      '[python]',
      'target-version = "py310"',
      'pytest-asyncio-mode = "auto"',
      '',
    ].join('\n');
    const parsed = parseConfigFile('/p/async-guardrails.toml', text);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.config, {
      rules: { 'untracked-task': 'error', 'missing-*': 'off' },
      ruleOptions: { 'missing-timeout': { defaultTimeoutSeconds: 30 } },
      preview: true,
      exclude: ['generated/**', '*_pb2.py'],
      pythonVersion: [3, 10],
      pytestAsyncioMode: 'auto',
    });
  });

  it('reads [tool.async-guardrails], requires-python and pytest asyncio_mode from pyproject.toml', () => {
    const text = [
      '[project]',
      'name = "demo"',
      'requires-python = ">=3.9, <4"',
      '',
      '[tool.pytest.ini_options]',
      'asyncio_mode = "auto"',
      '',
      '[tool.async-guardrails]',
      'rules = { "blocking-call-in-async" = "warning" }',
      '',
    ].join('\n');
    const parsed = parseConfigFile('/p/pyproject.toml', text);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.config?.rules, { 'blocking-call-in-async': 'warning' });
    assert.deepEqual(parsed.requiresPython, [3, 9]);
    assert.equal(parsed.hasPytestSection, true);
    assert.equal(parsed.pytestAsyncioMode, 'auto');
  });

  it('a pyproject.toml without our table is no config, and its syntax errors are not ours to report', () => {
    const plain = parseConfigFile('/p/pyproject.toml', '[project]\nname = "x"\n');
    assert.equal(plain.config, undefined);
    const broken = parseConfigFile('/p/pyproject.toml', '[project\nname = "x"\n');
    assert.deepEqual(broken.problems, []);
    assert.equal(broken.config, undefined);
  });

  it('reads the asyncGuardrails key of package.json, pointing problems at the key', () => {
    const text = '{\n  "name": "x",\n  "asyncGuardrails": {\n    "rules": { "untracked-task": "loud", "no-such-rule": "off" }\n  }\n}\n';
    const parsed = parseConfigFile('/p/package.json', text);
    assert.deepEqual(parsed.config?.rules, {});
    assert.deepEqual(
      parsed.problems.map((p) => [p.line, p.column, p.message]),
      [
        [4, 16, 'rule "untracked-task": "loud" is not one of "error", "warning", "info", "hint", "off"'],
        [4, 42, 'unknown rule "no-such-rule"'],
      ],
    );
    assert.equal(parseConfigFile('/p/package.json', '{"name": "x"}').config, undefined);
  });

  it('reads asyncio_mode from pytest.ini, setup.cfg [tool:pytest] and tox.ini [pytest]', () => {
    assert.equal(parseConfigFile('/p/pytest.ini', '[pytest]\nasyncio_mode = strict\n').pytestAsyncioMode, 'strict');
    assert.equal(parseConfigFile('/p/pytest.ini', '').hasPytestSection, true);
    assert.equal(parseConfigFile('/p/setup.cfg', '[tool:pytest]\nasyncio_mode = auto\n').pytestAsyncioMode, 'auto');
    assert.equal(parseConfigFile('/p/setup.cfg', '[metadata]\nname = x\n').hasPytestSection, false);
    assert.equal(parseConfigFile('/p/tox.ini', '[pytest]\nasyncio_mode = auto\n').pytestAsyncioMode, 'auto');
    assert.equal(parseConfigFile('/p/tox.ini', '[tox]\nenvlist = py311\n').hasPytestSection, false);
  });

  it('reports a TOML syntax error at its line and column', () => {
    const parsed = parseConfigFile('/p/async-guardrails.toml', 'preview = true\n[rules\nuntracked-task = "error"\n');
    assert.equal(parsed.broken, true);
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0].line, 2);
    assert.ok(parsed.problems[0].column >= 1);
    assert.doesNotMatch(parsed.problems[0].message, /\n/);
  });

  it('reports invalid values at their keys and keeps the valid ones', () => {
    const text = [
      'preview = "yes"',
      'colour = "blue"',
      '[rules]',
      'untracked-task = "warning"',
      'blocking-call-in-async = "loud"',
      '[rule-options.missing-timeout]',
      'defaultTimeoutSeconds = "ten"',
      'nonsense = 1',
      '[python]',
      'target-version = "three"',
    ].join('\n');
    const parsed = parseConfigFile('/p/async-guardrails.toml', text);
    assert.deepEqual(parsed.config?.rules, { 'untracked-task': 'warning' });
    assert.equal(parsed.config?.preview, undefined);
    const where = parsed.problems.map((p: ConfigProblem) => `${p.line}:${p.column}`);
    assert.deepEqual(where, ['2:1', '5:1', '7:1', '8:1', '1:1', '10:1']);
    assert.ok(parsed.problems.every((p) => p.file === '/p/async-guardrails.toml'));
    assert.match(parsed.problems.find((p) => p.line === 8)?.message ?? '', /has no option "nonsense" \(options: defaultTimeoutSeconds\)/);
  });

  it('finds keys of inline tables on their line', () => {
    const parsed = parseConfigFile('/p/.async-guardrails.toml', 'rules = { "untracked-task" = "warning", "nope" = "off" }\n');
    assert.deepEqual(parsed.problems.map((p) => [p.line, p.column]), [[1, 41]]);
  });
});

describe('small parsers', () => {
  it('takes the lowest Python version requires-python allows', () => {
    assert.deepEqual(lowestPythonVersion('>=3.10'), [3, 10]);
    assert.deepEqual(lowestPythonVersion('>=3.8,<4,!=3.9.1'), [3, 8]);
    assert.deepEqual(lowestPythonVersion('~=3.11.2'), [3, 11]);
    assert.deepEqual(lowestPythonVersion('==3.12.*'), [3, 12]);
    assert.deepEqual(lowestPythonVersion('>=3.7, >=3.9'), [3, 9]);
    assert.equal(lowestPythonVersion('<3.13'), undefined);
    assert.deepEqual(parseTargetVersion('3.12'), [3, 12]);
    assert.deepEqual(parseTargetVersion('py39'), [3, 9]);
    assert.equal(parseTargetVersion('latest'), undefined);
  });

  it('expands rule globs, exact ids winning', () => {
    const rules = registry.all();
    const expanded = expandRuleLevels({ 'untracked-task': 'error', '*': 'hint' }, rules);
    assert.equal(expanded['untracked-task'], 'error');
    for (const rule of rules) if (rule.id !== 'untracked-task') assert.equal(expanded[rule.id], 'hint');
  });

  it('matches excludes against the path and its folders', () => {
    assert.ok(matchesExclude('generated/a/b.py', ['generated']));
    assert.ok(matchesExclude('generated/a/b.py', ['generated/**']));
    assert.ok(matchesExclude('src/api_pb2.py', ['*_pb2.py']));
    assert.ok(matchesExclude('deep/build/x.ts', ['build/']));
    assert.ok(!matchesExclude('src/generated.py', ['generated']));
    assert.ok(!matchesExclude('src/app.py', ['/app.py']));
    assert.ok(matchesExclude('app.py', ['/app.py']));
  });
});

describe('ConfigResolver', () => {
  it('uses the nearest config for each file and the facts of the nearest project files', async () => {
    const root = await tree({
      'pyproject.toml': '[project]\nrequires-python = ">=3.10"\n[tool.async-guardrails]\nrules = { untracked-task = "hint" }\n',
      'pytest.ini': '[pytest]\nasyncio_mode = strict\n',
      'services/api/async-guardrails.toml': '[rules]\nuntracked-task = "off"\n',
      'services/api/sub/x.py': '',
      'services/web/package.json': '{ "asyncGuardrails": { "rules": { "untracked-task": "error" } } }',
      'services/web/src/a.ts': '',
      'services/worker/pyproject.toml': '[project]\nrequires-python = ">=3.12"\n[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
      'services/worker/job.py': '',
      'top.py': '',
    });
    const resolver = new ConfigResolver({ roots: [root] });
    const top = await resolver.settingsFor(path.join(root, 'top.py'));
    assert.equal(top.configFile, path.join(root, 'pyproject.toml'));
    assert.equal(top.settings.rules?.['untracked-task'], 'hint');
    assert.deepEqual(top.settings.project, { pythonVersion: [3, 10], pytestAsyncioMode: 'strict' });

    const api = await resolver.settingsFor(path.join(root, 'services/api/sub/x.py'));
    assert.equal(api.configFile, path.join(root, 'services/api/async-guardrails.toml'));
    assert.equal(api.settings.rules?.['untracked-task'], 'off');
    assert.deepEqual(api.settings.project, { pythonVersion: [3, 10], pytestAsyncioMode: 'strict' });

    const web = await resolver.settingsFor(path.join(root, 'services/web/src/a.ts'));
    assert.equal(web.configFile, path.join(root, 'services/web/package.json'));
    assert.equal(web.settings.rules?.['untracked-task'], 'error');

    // A pyproject.toml without our table feeds facts but is not a config: the parent's applies.
    const worker = await resolver.settingsFor(path.join(root, 'services/worker/job.py'));
    assert.equal(worker.configFile, path.join(root, 'pyproject.toml'));
    assert.deepEqual(worker.settings.project, { pythonVersion: [3, 12], pytestAsyncioMode: 'auto' });
    assert.deepEqual(resolver.problems(), []);
  });

  it('prefers async-guardrails.toml over the others in one folder', async () => {
    const root = await tree({
      'async-guardrails.toml': 'preview = true\n',
      '.async-guardrails.toml': 'preview = false\n',
      'pyproject.toml': '[tool.async-guardrails]\npreview = false\n',
    });
    const resolved = await new ConfigResolver({ roots: [root] }).settingsFor(path.join(root, 'a.py'));
    assert.equal(resolved.configFile, path.join(root, 'async-guardrails.toml'));
    assert.equal(resolved.settings.preview, true);
  });

  it('never looks above the workspace folder holding the file (multi-root)', async () => {
    const outer = await tree({
      'async-guardrails.toml': '[rules]\nuntracked-task = "off"\n',
      'one/a.py': '',
      'two/async-guardrails.toml': '[rules]\nuntracked-task = "error"\n',
      'two/b.py': '',
    });
    const resolver = new ConfigResolver({ roots: [path.join(outer, 'one'), path.join(outer, 'two')] });
    const one = await resolver.settingsFor(path.join(outer, 'one', 'a.py'));
    assert.equal(one.configFile, undefined);
    assert.deepEqual(one.settings.rules, {});
    const two = await resolver.settingsFor(path.join(outer, 'two', 'b.py'));
    assert.equal(two.settings.rules?.['untracked-task'], 'error');
    // Nested roots: the longest one holding the file bounds the search.
    const nested = new ConfigResolver({ roots: [outer, path.join(outer, 'one')] });
    assert.equal((await nested.settingsFor(path.join(outer, 'one', 'a.py'))).configFile, undefined);
  });

  it('applies the config excludes relative to the config file', async () => {
    const root = await tree({ 'pkg/async-guardrails.toml': 'exclude = ["gen", "**/*_pb2.py"]\n' });
    const resolver = new ConfigResolver({ roots: [root] });
    assert.equal((await resolver.settingsFor(path.join(root, 'pkg/gen/x.py'))).excluded, true);
    assert.equal((await resolver.settingsFor(path.join(root, 'pkg/src/api_pb2.py'))).excluded, true);
    assert.equal((await resolver.settingsFor(path.join(root, 'pkg/src/api.py'))).excluded, false);
    assert.equal((await resolver.settingsFor(path.join(root, 'gen/x.py'))).excluded, false);
  });

  it('keeps the last good config while the file is broken, and reports the problem', async () => {
    const root = await tree({ 'async-guardrails.toml': '[rules]\nuntracked-task = "error"\n' });
    const seen: ConfigProblem[] = [];
    const resolver = new ConfigResolver({ roots: [root], onProblem: (p) => seen.push(p) });
    const file = path.join(root, 'async-guardrails.toml');
    const source = path.join(root, 'a.py');
    assert.equal((await resolver.settingsFor(source)).settings.rules?.['untracked-task'], 'error');

    await writeFile(file, '[rules]\nuntracked-task = "warn\n', 'utf8');
    resolver.invalidate(file);
    const during = await resolver.settingsFor(source);
    assert.equal(during.settings.rules?.['untracked-task'], 'error', 'the last good config stays in force');
    assert.equal(resolver.problems().length, 1);
    assert.equal(resolver.problems()[0].file, file);
    assert.equal(resolver.problems()[0].line, 2);
    assert.equal(seen.length, 1);

    await writeFile(file, '[rules]\nuntracked-task = "warning"\n', 'utf8');
    resolver.invalidate(file);
    assert.equal((await resolver.settingsFor(source)).settings.rules?.['untracked-task'], 'warning');
    assert.deepEqual(resolver.problems(), []);
  });

  it('a config broken from the start means defaults, not a parent config', async () => {
    const root = await tree({ 'async-guardrails.toml': 'preview = true\n', 'sub/async-guardrails.toml': 'preview = \n' });
    const resolver = new ConfigResolver({ roots: [root] });
    const resolved = await resolver.settingsFor(path.join(root, 'sub', 'a.py'));
    assert.equal(resolved.configFile, path.join(root, 'sub', 'async-guardrails.toml'));
    assert.equal(resolved.settings.preview, undefined);
    assert.deepEqual(await resolver.check(path.join(root, 'sub', 'async-guardrails.toml')), resolver.problems());
  });

  it('sees config files created, changed and deleted after invalidate', async () => {
    const root = await tree({ 'src/a.py': '' });
    const resolver = new ConfigResolver({ roots: [root] });
    const source = path.join(root, 'src', 'a.py');
    assert.equal((await resolver.settingsFor(source)).configFile, undefined);
    const file = path.join(root, '.async-guardrails.toml');
    await writeFile(file, 'rules = { untracked-task = "off" }\n', 'utf8');
    resolver.invalidate(file);
    assert.equal((await resolver.settingsFor(source)).settings.rules?.['untracked-task'], 'off');
    await rm(file);
    resolver.invalidate(file);
    assert.equal((await resolver.settingsFor(source)).configFile, undefined);
  });
});

describe('the JSON schema', () => {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'async-guardrails.schema.json'), 'utf8')) as {
    properties: { rules: { properties: Record<string, unknown> } };
  };
  // strict: false — the schema carries VS Code's `enumDescriptions`.
  const validate = new Ajv({ strict: false }).compile(schema);

  it('accepts what the parser accepts and rejects what it reports', () => {
    assert.ok(validate({ rules: { 'untracked-task': 'error', 'missing-*': 'off' }, preview: true, exclude: ['gen'], python: { 'target-version': 'py311' } }));
    assert.ok(validate({ 'rule-options': { 'missing-timeout': { defaultTimeoutSeconds: 5 } } }));
    assert.ok(!validate({ rules: { 'untracked-task': 'loud' } }));
    assert.ok(!validate({ colour: 'blue' }));
    assert.ok(!validate({ python: { 'target-version': 'three' } }));
  });

  it('names only rules that exist, so completion never offers a wrong id', () => {
    const ids = new Set(registry.all().map((r) => r.id));
    for (const id of Object.keys(schema.properties.rules.properties)) assert.ok(ids.has(id), `${id} is not a rule`);
  });

  it('is contributed for package.json through jsonValidation', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { jsonValidation?: { fileMatch: string; url: string }[] };
    };
    const entry = manifest.contributes.jsonValidation?.find((v) => v.fileMatch === 'package.json');
    assert.ok(entry);
    const wrapper = JSON.parse(readFileSync(path.join(repoRoot, entry.url), 'utf8')) as { properties: { asyncGuardrails: { $ref: string } } };
    assert.equal(wrapper.properties.asyncGuardrails.$ref, './async-guardrails.schema.json');
  });
});
