// untracked-task for TypeScript/JavaScript: ranges, and the unsafe "await it" fix.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { applyEdits } from '../../server/src/engine/fixes';
import { SourceText } from '../../server/src/engine/sourceText';
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
      expected: 'const fsp = require("fs/promises");\nconst run = async () => {\n  (await fsp.rm("tmp"));\n};\n',
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

  it('offers only `void` outside async functions', async () => {
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
    for (const finding of found) assert.deepEqual(finding.fixes?.map((f) => f.title), ['Mark it deliberately detached with `void`']);
  });

  it('fix-all leaves it alone unless unsafe fixes are asked for', async () => {
    const engine = await testEngine();
    // Only this rule: other rules' fixes must not mix into the counts.
    const settings = { rules: Object.fromEntries(engine.rules.map((r) => [r.id, r.id === RULE ? 'error' : 'off'] as const)) };
    const input = 'async function ping() {}\nasync function f() {\n  ping();\n  ping().then(() => 1);\n}\n';
    assert.equal(engine.fixAll({ text: input, fileName: 'example.ts', settings }).applied, 0);
    const fixed = engine.fixAll({ text: input, fileName: 'example.ts', settings }, { unsafe: true });
    assert.equal(fixed.text, 'async function ping() {}\nasync function f() {\n  await ping();\n  await ping().then(() => 1);\n}\n');
    assert.equal(fixed.applied, 2);
    assert.equal(engine.fixAll({ text: fixed.text, fileName: 'example.ts', settings }, { unsafe: true }).applied, 0);
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

describe('untracked-task (TypeScript, type-aware)', () => {
  async function analyze(text: string, options: Record<string, unknown> = {}, fileName = 'typed.ts'): Promise<Finding[]> {
    const engine = await testEngine();
    const result = engine.analyze({ text, fileName, settings: { ruleOptions: { [RULE]: options } } });
    assert.deepEqual(result.internalErrors, []);
    return result.findings.filter((f) => f.ruleId === RULE);
  }

  const header = 'interface Repo { save(id: string): Promise<void>; }\n';

  it('flags promises by type, whatever declares them', async () => {
    const text = `${header}export function f(repo: Repo) {\n  repo.save("a");\n}\n`;
    const found = await analyze(text);
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['repo.save("a")']);
  });

  it('offers await and void inside async functions; void alone outside', async () => {
    const text = `${header}export async function f(repo: Repo) {\n  repo.save("a");\n}\nexport function g(repo: Repo) {\n  repo.save("b");\n}\n`;
    const found = await analyze(text);
    assert.deepEqual(
      found.map((f) => f.fixes?.map((x) => `${x.title}:${x.safety}`)),
      [
        ['Await the promise:unsafe', 'Mark it deliberately detached with `void`:unsafe'],
        ['Mark it deliberately detached with `void`:unsafe'],
      ],
    );
    const fixed = applyEdits(text, found[0].fixes?.[1]?.edits ?? []);
    assert.ok(fixed.includes('  void repo.save("a");'));
    assert.deepEqual(syntaxErrors(fixed, 'typed.ts'), []);
    assert.equal((await analyze(fixed)).length, 1);
  });

  it('ignoreVoid off: reports `void promise` and offers no `void` fix', async () => {
    const text = `${header}export async function f(repo: Repo) {\n  void repo.save("a");\n  repo.save("b");\n}\n`;
    assert.equal((await analyze(text)).length, 1);
    const found = await analyze(text, { ignoreVoid: false });
    assert.equal(found.length, 2);
    assert.equal(text.slice(found[0].start, found[0].end), 'void repo.save("a")');
    const fixed = applyEdits(text, found[0].fixes?.[0]?.edits ?? []);
    assert.ok(fixed.includes('  await repo.save("a");'), fixed);
    assert.deepEqual(found[1].fixes?.map((x) => x.title), ['Await the promise']);
  });

  it('ignoreIIFE: async IIFEs are reported unless the option is on', async () => {
    const text = 'export function f() {\n  (async () => {\n    await Promise.resolve(1);\n  })();\n}\n';
    assert.equal((await analyze(text)).length, 1);
    assert.equal((await analyze(text, { ignoreIIFE: true })).length, 0);
  });

  it('fix: an array of promises is awaited with Promise.all', async () => {
    const text = `${header}export async function f(repo: Repo, ids: string[]) {\n  ids.map((id) => repo.save(id));\n}\n`;
    const found = await analyze(text);
    assert.equal(found.length, 1);
    const fixed = applyEdits(text, found[0].fixes?.[0]?.edits ?? []);
    assert.ok(fixed.includes('  await Promise.all(ids.map((id) => repo.save(id)));'), fixed);
    assert.deepEqual(syntaxErrors(fixed, 'typed.ts'), []);
    assert.equal((await analyze(fixed)).length, 0);
  });

  it('reports an unjoined local on its name, without a fix', async () => {
    const text = `${header}export async function f(repo: Repo) {\n  const pending = repo.save("a");\n  const done = repo.save("b");\n  await done;\n}\n`;
    const found = await analyze(text);
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['pending']);
    assert.equal(found[0].fixes, undefined);
    assert.match(found[0].message, /never awaited/);
  });

  it('falls back to syntax when no type information can be had', async () => {
    const { default: check } = await import('../../server/src/languages/typescript/checks/untracked-task');
    const text = 'async function ping() {}\ninterface Repo { save(): Promise<void>; }\nexport async function f(repo: Repo) {\n  ping();\n  repo.save();\n}\n';
    const sourceFile = ts.createSourceFile('fallback.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const reports: { start: number; end: number }[] = [];
    check.run({
      parsed: { sourceFile, types: () => undefined },
      source: new SourceText(text),
      fileName: 'fallback.ts',
      options: { ignoreVoid: true, ignoreIIFE: false },
      project: {},
      report: (r) => reports.push(r),
    });
    // Without types only the same-file async function is known.
    assert.deepEqual(reports.map((r) => text.slice(r.start, r.end)), ['ping()']);
  });

  it('without types, flags `.then(fn)` only on a receiver known to be a promise', async () => {
    const { default: check } = await import('../../server/src/languages/typescript/checks/untracked-task');
    const lines = [
      'async function load() { return 1; }',
      'const started = load();',
      'let later = load();',
      'export function f(cy, $, client, Promise2) {',
      '  cy.get(".button").then((el) => el.click());', // near-miss: a Cypress chain
      '  $.ajax("/x").then((data) => data);', // near-miss: a jQuery deferred-like chain
      '  client.query("select 1").then((rows) => rows);', // near-miss: an unknown receiver
      '  later.then((x) => x);', // near-miss: `let` may be reassigned
      '  Promise2.all([]).then((x) => x);', // near-miss: not the global Promise
      '  fetch("/a").then((r) => r.json());', // expect
      '  load().then((x) => x).finally(() => 0);', // expect
      '  Promise.all([load()]).then((x) => x);', // expect
      '  new Promise((resolve) => resolve(1)).then((x) => x);', // expect
      '  started.then((x) => x);', // expect
      '  fetch("/b").then((r) => r.json(), (e) => e);', // near-miss: handled
      '}',
      'function shadow(Promise) {',
      '  Promise.resolve(1).then((x) => x);', // near-miss: a parameter named Promise
      '}',
    ];
    const text = `${lines.join('\n')}\n`;
    const sourceFile = ts.createSourceFile('fallback.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const reports: { start: number; end: number }[] = [];
    check.run({
      parsed: { sourceFile, types: () => undefined },
      source: new SourceText(text),
      fileName: 'fallback.js',
      options: { ignoreVoid: true, ignoreIIFE: false },
      project: {},
      report: (r) => reports.push(r),
    });
    assert.deepEqual(
      reports.map((r) => text.slice(r.start, r.end)),
      [
        'fetch("/a").then((r) => r.json())',
        'load().then((x) => x).finally(() => 0)',
        'Promise.all([load()]).then((x) => x)',
        'new Promise((resolve) => resolve(1)).then((x) => x)',
        'started.then((x) => x)',
      ],
    );
  });
});
