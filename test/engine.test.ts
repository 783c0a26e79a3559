// The engine's own mechanics, independent of any one rule: registry, severities and options,
// suppression comments, isolation of a failing rule, positions.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeTimings, optionsOf, packForFile } from '../server/src/engine/engine';
import type { Check } from '../server/src/engine/languagePack';
import { registry } from '../server/src/engine/registry';
import { defineRule } from '../server/src/engine/rule';
import { SourceText } from '../server/src/engine/sourceText';
import type { PythonParsed } from '../server/src/languages/python/parsed';
import pythonPack from '../server/src/languages/python/pack';
import typescriptPack from '../server/src/languages/typescript/pack';
import { testEngine } from './helpers/engine';

const SLEEPY = 'import time\n\nasync def f():\n    time.sleep(1)\n';
const BLOCKING = 'blocking-call-in-async';

function blocking(findings: readonly { ruleId: string; severity: string }[]): { ruleId: string; severity: string }[] {
  return findings.filter((f) => f.ruleId === BLOCKING);
}

describe('registry', () => {
  it('every rule is implemented by each pack it names, and every check names a registered rule', () => {
    for (const pack of [pythonPack, typescriptPack]) {
      for (const check of pack.checks) assert.equal(registry.get(check.rule.id), check.rule, `${pack.id} check ${check.rule.id}`);
    }
    for (const rule of registry.all()) {
      if (rule.languages.includes('python')) assert.ok(pythonPack.checks.some((c) => c.rule.id === rule.id), `${rule.id} has no Python check`);
      if (rule.languages.includes('typescript')) assert.ok(typescriptPack.checks.some((c) => c.rule.id === rule.id), `${rule.id} has no TypeScript check`);
    }
  });

  it('rejects ids that are not kebab-case', () => {
    assert.throws(() => defineRule({ ...registry.all()[0], id: 'Bad_Id' }), /kebab-case/);
  });

  it('picks the pack by language id first, then by extension', () => {
    assert.equal(packForFile('x.py')?.id, 'python');
    assert.equal(packForFile('x.cts')?.id, 'typescript');
    assert.equal(packForFile('untitled-1', 'javascriptreact')?.id, 'typescript');
    assert.equal(packForFile('notes.txt'), undefined);
  });
});

describe('settings', () => {
  it('turns a rule off or changes its severity', async () => {
    const engine = await testEngine();
    assert.equal(blocking(engine.analyze({ text: SLEEPY, fileName: 'a.py' }).findings)[0]?.severity, 'error');
    const lowered = engine.analyze({ text: SLEEPY, fileName: 'a.py', settings: { rules: { 'blocking-call-in-async': 'hint' } } });
    assert.equal(blocking(lowered.findings)[0]?.severity, 'hint');
    assert.deepEqual(blocking(engine.analyze({ text: SLEEPY, fileName: 'a.py', settings: { rules: { 'blocking-call-in-async': 'off' } } }).findings), []);
  });

  it('fills rule options from defaults and keeps only values of the declared type', () => {
    const rule = defineRule({
      ...registry.all()[0],
      id: 'with-options',
      options: {
        limit: { type: 'number', default: 5, description: 'a limit' },
        modules: { type: 'string[]', default: [], description: 'globs' },
      },
    });
    assert.deepEqual(optionsOf(rule, undefined), { limit: 5, modules: [] });
    assert.deepEqual(optionsOf(rule, { ruleOptions: { 'with-options': { limit: 9, modules: ['a/**'] } } }), { limit: 9, modules: ['a/**'] });
    assert.deepEqual(optionsOf(rule, { ruleOptions: { 'with-options': { limit: 'nine', modules: [1] } } }), { limit: 5, modules: [] });
  });
});

describe('suppression comments', () => {
  const cases: [string, string, string, number][] = [
    ['same line', 'a.py', 'import time\nasync def f():\n    time.sleep(1)  # async-guardrails: ignore[blocking-call-in-async]\n', 0],
    ['line above', 'a.py', 'import time\nasync def f():\n    # async-guardrails: ignore[blocking-call-in-async]\n    time.sleep(1)\n', 0],
    ['stacked above', 'a.py', 'import time\nasync def f():\n    # async-guardrails: ignore[blocking-call-in-async]\n    # a note\n    time.sleep(1)\n', 0],
    ['all rules', 'a.py', 'import time\nasync def f():\n    time.sleep(1)  # async-guardrails: ignore\n', 0],
    ['other rule named', 'a.py', 'import time\nasync def f():\n    time.sleep(1)  # async-guardrails: ignore[untracked-task]\n', 1],
    ['whole file', 'a.py', '# async-guardrails: ignore-file[blocking-call-in-async]\nimport time\nasync def f():\n    time.sleep(1)\n', 0],
    ['ruff noqa code', 'a.py', 'import time\nasync def f():\n    time.sleep(1)  # noqa: ASYNC251\n', 0],
    ['bare noqa', 'a.py', 'import time\nasync def f():\n    time.sleep(1)  # noqa\n', 0],
    ['noqa for another code', 'a.py', 'import time\nasync def f():\n    time.sleep(1)  # noqa: E501\n', 1],
    ['noqa above does not count', 'a.py', 'import time\nasync def f():\n    # noqa: ASYNC251\n    time.sleep(1)\n', 1],
    ['directive inside a string', 'a.py', 'import time\nasync def f():\n    time.sleep(len("# async-guardrails: ignore"))\n', 1],
    ['TypeScript line above', 'a.ts', 'import { readFileSync } from "fs";\nasync function f() {\n  // async-guardrails: ignore[blocking-call-in-async]\n  readFileSync("x");\n}\n', 0],
    ['TypeScript block comment', 'a.ts', 'import { readFileSync } from "fs";\nasync function f() {\n  readFileSync("x"); /* async-guardrails: ignore */\n}\n', 0],
    ['TypeScript ignores noqa', 'a.ts', 'import { readFileSync } from "fs";\nasync function f() {\n  readFileSync("x"); // noqa\n}\n', 1],
    ['TypeScript whole file', 'a.ts', '// async-guardrails: ignore-file\nimport { readFileSync } from "fs";\nasync function f() {\n  readFileSync("x");\n}\n', 0],
  ];
  for (const [name, fileName, text, expected] of cases) {
    it(name, async () => {
      const engine = await testEngine();
      const found = engine.analyze({ text, fileName }).findings.filter((f) => f.ruleId === 'blocking-call-in-async');
      assert.equal(found.length, expected);
    });
  }

  it('the disable-for-line edit parses and silences the finding in both languages', async () => {
    const engine = await testEngine();
    for (const [fileName, text] of [
      ['a.py', SLEEPY],
      ['a.ts', 'import { readFileSync } from "fs";\nasync function f() {\n  if (true) readFileSync("x");\n}\n'],
    ]) {
      const result = engine.analyze({ text, fileName });
      const finding = result.findings.find((f) => f.ruleId === BLOCKING);
      assert.ok(finding && result.pack);
      const edit = engine.suppressionEdit(result.pack, result.source, result.source.positionAt(finding.start).line, finding.ruleId);
      const fixed = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
      assert.deepEqual(blocking(engine.analyze({ text: fixed, fileName }).findings), [], fixed);
    }
  });
});

describe('timings', () => {
  it('records the parse and every rule that ran, and names the slowest parts', async () => {
    const engine = await testEngine();
    const result = engine.analyze({ text: SLEEPY, fileName: 'a.py', settings: { rules: { 'swallowed-exception': 'off' } } });
    assert.ok(result.timings.parseMs >= 0);
    assert.ok(BLOCKING in result.timings.rules, 'a rule that ran has a timing');
    assert.ok(!('swallowed-exception' in result.timings.rules), 'a rule turned off has none');
    const described = describeTimings({ parseMs: 5, structureMs: 1, rules: { a: 9, b: 2, c: 7 } }, 3);
    assert.equal(described, 'a 9.0 ms, c 7.0 ms, parse 5.0 ms');
  });
});

describe('robustness', () => {
  it('a rule that throws is logged and the other rules still report', async () => {
    const engine = await testEngine();
    const checks = pythonPack.checks as Check<PythonParsed>[];
    const broken: Check<PythonParsed> = {
      rule: registry.get('untracked-task') ?? registry.all()[0],
      run() {
        throw new Error('boom');
      },
    };
    checks.unshift(broken);
    try {
      const result = engine.analyze({ text: SLEEPY, fileName: 'a.py' });
      assert.equal(result.internalErrors.length, 1);
      assert.match(result.internalErrors[0], /boom/);
      assert.ok(result.findings.some((f) => f.ruleId === 'blocking-call-in-async'));
    } finally {
      checks.splice(checks.indexOf(broken), 1);
    }
  });

  it('skips huge, binary, minified and absurdly nested files with a clear reason', async () => {
    const engine = await testEngine();
    const cases: [string, string, RegExp][] = [
      ['huge.py', 'x = 1\n'.repeat(200_000), /million characters is over the 1 million limit/],
      ['blob.ts', 'const a = 1;\u0000\u0001', /binary content/],
      ['bundle.js', `${'var a=1;'.repeat(8_000)}\n`, /looks minified or generated \(a line of 64000 characters\)/],
      ['deep.py', `x = ${'not '.repeat(3_000)}y\n`, /nests \d+ levels deep/],
      ['brackets.py', `x = ${'f('.repeat(3_000)}${')'.repeat(3_000)}\n`, /brackets nest over 300 levels deep/],
      // Unbalanced, as a half-typed or mutated file can be: never handed to the parser.
      ['brackets.cjs', `module.exports = ${'g(['.repeat(200)}1;\n`, /brackets nest over 300 levels deep/],
      ['deep.ts', `const x = ${'a +\n'.repeat(20_000)}a;\n`, /nests \d+ levels deep|nested too deeply/],
    ];
    for (const [fileName, text, reason] of cases) {
      const result = engine.analyze({ text, fileName });
      assert.match(result.skipped ?? '', reason, fileName);
      assert.deepEqual(result.findings, []);
      assert.deepEqual(result.internalErrors, []);
    }
    // Long but ordinary files are analysed.
    const ordinary = engine.analyze({ text: `${'x = 1\n'.repeat(20_000)}${SLEEPY}`, fileName: 'long.py' });
    assert.equal(ordinary.skipped, undefined);
    assert.equal(blocking(ordinary.findings).length, 1);
  });

  it('files of no supported language yield nothing', async () => {
    const engine = await testEngine();
    assert.deepEqual(engine.analyze({ text: 'time.sleep(1)', fileName: 'notes.md' }).findings, []);
  });

  it('odd inputs never throw: empty, NUL bytes, BOM, lone CR, deep nesting, unbalanced brackets', async () => {
    const engine = await testEngine();
    const inputs = ['', '\u0000\u0000', '\uFEFFasync def f():\n    time.sleep(1)\n', 'async def f():\r    pass\r', '('.repeat(5000), ')]}'.repeat(100), 'async def f():\n' + '  '.repeat(2000) + 'x'];
    for (const text of inputs) {
      for (const fileName of ['a.py', 'a.ts', 'a.jsx']) {
        const result = engine.analyze({ text, fileName });
        assert.deepEqual(result.internalErrors, [], `${fileName}: ${JSON.stringify(text.slice(0, 40))}`);
      }
    }
  });
});

describe('positions', () => {
  it('maps offsets to UTF-16 line/character with CRLF, CR and astral characters', () => {
    const source = new SourceText('a😀b\r\nc\rd\ne');
    assert.deepEqual(source.positionAt(3), { line: 0, character: 3 });
    assert.deepEqual(source.positionAt(6), { line: 1, character: 0 });
    assert.deepEqual(source.positionAt(8), { line: 2, character: 0 });
    assert.equal(source.offsetAt({ line: 3, character: 0 }), 10);
    assert.equal(source.lineText(0), 'a😀b');
    assert.equal(source.eol, '\r\n');
    assert.equal(new SourceText('x\ny').eol, '\n');
  });
});
