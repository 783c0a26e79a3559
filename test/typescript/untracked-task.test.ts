// untracked-task for TypeScript/JavaScript: ranges, and the unsafe "await it" fix.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { applyEdits } from '../../server/src/engine/fixes';
import type { Finding } from '../../server/src/engine/types';
import { testEngine } from '../helpers/engine';

const RULE = 'untracked-task';

function syntaxErrors(text: string, fileName: string): string[] {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  // `parseDiagnostics` is internal to the compiler API (absent from its typings), but it is exactly
  // the list of syntax errors of a `createSourceFile` result, without building a program.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

async function findings(text: string, fileName = 'example.ts'): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text, fileName });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === RULE);
}

describe('untracked-task (TypeScript)', () => {
  it('reports the call, or the whole chain', async () => {
    const text = [
      'async function ping(): Promise<void> {}',
      'async function f() {',
      '  ping();',
      '  ping().then(() => 1).finally(() => 2);',
      '}',
    ].join('\n');
    const ranges = (await findings(text)).map((f) => text.slice(f.start, f.end));
    assert.deepEqual(ranges, ['ping()', 'ping().then(() => 1).finally(() => 2)']);
  });

  const fixCases: { name: string; input: string; expected: string; fileName?: string }[] = [
    {
      name: 'a call in an async function',
      input: 'async function ping() {}\nasync function f() {\n  ping();\n}\n',
      expected: 'async function ping() {}\nasync function f() {\n  await ping();\n}\n',
    },
    {
      name: 'a .then chain',
      input: 'async function f(url: string) {\n  fetch(url).then((r) => r.json());\n}\n',
      expected: 'async function f(url: string) {\n  await fetch(url).then((r) => r.json());\n}\n',
    },
    {
      name: 'a parenthesised call in a .js file',
      fileName: 'example.js',
      input: 'const fsp = require("fs/promises");\nconst run = async () => {\n  (fsp.rm("tmp"));\n};\n',
      expected: 'const fsp = require("fs/promises");\nconst run = async () => {\n  await (fsp.rm("tmp"));\n};\n',
    },
    {
      name: 'an async method through this',
      input: 'class A {\n  async save() {}\n  async run() {\n    this.save();\n  }\n}\n',
      expected: 'class A {\n  async save() {}\n  async run() {\n    await this.save();\n  }\n}\n',
    },
  ];
  for (const c of fixCases) {
    it(`fix: ${c.name}`, async () => {
      const fileName = c.fileName ?? 'example.ts';
      const before = await findings(c.input, fileName);
      assert.equal(before.length, 1);
      const fix = before[0].fixes?.[0];
      assert.ok(fix !== undefined, 'no fix');
      assert.equal(fix.safety, 'unsafe');
      const output = applyEdits(c.input, fix.edits);
      assert.equal(output, c.expected);
      assert.deepEqual(syntaxErrors(output, fileName), []);
      assert.equal((await findings(output, fileName)).length, 0);
    });
  }

  it('offers no fix outside async functions', async () => {
    const text = [
      'async function ping() {}',
      'ping();',
      'function sync() {',
      '  ping();',
      '}',
      'async function outer() {',
      '  setTimeout(() => {',
      '    ping();',
      '  });',
      '}',
    ].join('\n');
    const found = await findings(text);
    assert.equal(found.length, 3);
    for (const finding of found) assert.equal(finding.fixes, undefined);
  });

  it('fix-all leaves it alone unless unsafe fixes are asked for', async () => {
    const engine = await testEngine();
    const input = 'async function ping() {}\nasync function f() {\n  ping();\n  ping().then(() => 1);\n}\n';
    assert.equal(engine.fixAll({ text: input, fileName: 'example.ts' }).applied, 0);
    const fixed = engine.fixAll({ text: input, fileName: 'example.ts' }, { unsafe: true });
    assert.equal(fixed.text, 'async function ping() {}\nasync function f() {\n  await ping();\n  await ping().then(() => 1);\n}\n');
    assert.equal(fixed.applied, 2);
    assert.equal(engine.fixAll({ text: fixed.text, fileName: 'example.ts' }, { unsafe: true }).applied, 0);
  });

  it('does not flag handled or kept promises', async () => {
    const text = [
      'async function ping(): Promise<number> { return 1; }',
      'export async function f(): Promise<unknown> {',
      '  void ping();',
      '  await ping();',
      '  const kept = ping();',
      '  ping().catch(() => 0);',
      '  ping().then(() => 1, () => 2);',
      '  ping().then(() => 1).catch(() => 2).finally(() => 3);',
      '  await Promise.all([ping(), kept]);',
      '  const all = [ping(), ping()];',
      '  await Promise.all(all);',
      '  return ping();',
      '}',
    ].join('\n');
    assert.deepEqual(await findings(text), []);
  });
});
