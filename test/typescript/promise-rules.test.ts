// return-await-in-try, misused-promise, signal-not-propagated and async-promise-executor: where the
// findings sit, and their fixes (exact text, still parses, finding gone, fix-all idempotent).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { applyEdits } from '../../server/src/engine/fixes';
import type { Finding } from '../../server/src/engine/types';
import { testEngine } from '../helpers/engine';

function syntaxErrors(text: string, fileName: string): string[] {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  // `parseDiagnostics` is internal to the compiler API: the syntax errors of a parse, without a program.
  return (sourceFile as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics.map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
}

async function findings(ruleId: string, text: string, fileName = 'rules.ts'): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text, fileName });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === ruleId);
}

interface FixCase {
  name: string;
  input: string;
  expected: string;
  /** Which fix of the (single) finding to apply. */
  fix?: number;
  safety: 'safe' | 'unsafe';
}

function fixCases(ruleId: string, cases: FixCase[]): void {
  for (const c of cases) {
    it(`fix: ${c.name}`, async () => {
      const before = await findings(ruleId, c.input);
      assert.equal(before.length, 1, `findings: ${JSON.stringify(before)}`);
      const fix = before[0].fixes?.[c.fix ?? 0];
      assert.ok(fix !== undefined, 'no fix');
      assert.equal(fix.safety, c.safety);
      const output = applyEdits(c.input, fix.edits);
      assert.equal(output, c.expected);
      assert.deepEqual(syntaxErrors(output, 'rules.ts'), []);
      assert.equal((await findings(ruleId, output)).length, 0);
    });
  }
}

const LOAD = 'declare function load(id: string): Promise<string>;\n';

describe('return-await-in-try', () => {
  it('sits on the returned expression', async () => {
    const text = `${LOAD}export async function f() {\n  try {\n    return load("a");\n  } finally {\n    console.log(1);\n  }\n}\n`;
    const found = await findings('return-await-in-try', text);
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['load("a")']);
  });
  fixCases('return-await-in-try', [
    {
      name: 'adds await',
      safety: 'safe',
      input: `${LOAD}export async function f() {\n  try {\n    return load("a");\n  } catch {\n    return "";\n  }\n}\n`,
      expected: `${LOAD}export async function f() {\n  try {\n    return await load("a");\n  } catch {\n    return "";\n  }\n}\n`,
    },
    {
      name: 'parenthesises a conditional',
      safety: 'safe',
      input: `${LOAD}export async function f(x: boolean) {\n  try {\n    return x ? load("a") : load("b");\n  } catch {\n    return "";\n  }\n}\n`,
      expected: `${LOAD}export async function f(x: boolean) {\n  try {\n    return await (x ? load("a") : load("b"));\n  } catch {\n    return "";\n  }\n}\n`,
    },
  ]);
  it('fix-all applies it (safe) and is idempotent', async () => {
    const engine = await testEngine();
    const input = `${LOAD}export async function f() {\n  try {\n    return load("a");\n  } catch {\n    return load("b");\n  } finally {\n    console.log(1);\n  }\n}\n`;
    // Only this rule: other rules' fixes must not mix into the counts.
    const settings = { rules: Object.fromEntries(engine.rules.map((r) => [r.id, r.id === 'return-await-in-try' ? 'error' : 'off'] as const)) };
    const fixed = engine.fixAll({ text: input, fileName: 'rules.ts', settings });
    assert.equal(fixed.applied, 2);
    assert.ok(fixed.text.includes('return await load("a")') && fixed.text.includes('return await load("b")'));
    assert.equal(engine.fixAll({ text: fixed.text, fileName: 'rules.ts', settings }).applied, 0);
  });
});

describe('misused-promise', () => {
  const SAVE = 'declare function save(id: string): Promise<void>;\n';
  it('sits on the callback head', async () => {
    const text = `${SAVE}export function f() {\n  setTimeout(async () => {\n    await save("a");\n  });\n}\n`;
    const found = await findings('misused-promise', text);
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['async () =>']);
  });
  fixCases('misused-promise', [
    {
      name: 'forEach → await Promise.all(map)',
      safety: 'unsafe',
      input: `${SAVE}export async function f(ids: string[]) {\n  ids.forEach(async (id) => {\n    await save(id);\n  });\n}\n`,
      expected: `${SAVE}export async function f(ids: string[]) {\n  await Promise.all(ids.map(async (id) => {\n    await save(id);\n  }));\n}\n`,
    },
    {
      name: 'forEach → for...of with await',
      safety: 'unsafe',
      fix: 1,
      input: `${SAVE}export async function f(ids: string[]) {\n  ids.forEach(async (id) => {\n    await save(id);\n  });\n}\n`,
      expected: `${SAVE}export async function f(ids: string[]) {\n  for (const id of ids) {\n    await save(id);\n  }\n}\n`,
    },
    {
      name: 'forEach with an expression body → for...of',
      safety: 'unsafe',
      fix: 1,
      input: `${SAVE}export async function f(ids: readonly string[]) {\n  ids.forEach(async (id) => save(id));\n}\n`,
      expected: `${SAVE}export async function f(ids: readonly string[]) {\n  for (const id of ids) { await save(id); }\n}\n`,
    },
  ]);
  it('offers no for...of fix when the callback returns early or takes the index', async () => {
    const text = `${SAVE}export async function f(ids: string[]) {\n  ids.forEach(async (id, i) => {\n    if (i > 2) return;\n    await save(id);\n  });\n}\n`;
    const found = await findings('misused-promise', text);
    assert.deepEqual(found[0].fixes?.map((x) => x.title.split(':')[0]), ['Run them concurrently']);
  });
  it('offers no fix outside async functions or on a Set', async () => {
    const text = `${SAVE}export function f(ids: string[]) {\n  ids.forEach(async (id) => save(id));\n}\nexport async function g(ids: Set<string>) {\n  ids.forEach(async (id) => save(id));\n}\n`;
    const found = await findings('misused-promise', text);
    assert.equal(found.length, 2);
    for (const finding of found) assert.equal(finding.fixes, undefined);
  });
});

describe('signal-not-propagated', () => {
  const DOWNLOAD = 'declare function download(url: string, signal?: AbortSignal): Promise<string>;\n';
  fixCases('signal-not-propagated', [
    {
      name: 'adds an options object to fetch',
      safety: 'unsafe',
      input: 'export async function f(url: string, signal: AbortSignal) {\n  await fetch(url);\n}\n',
      expected: 'export async function f(url: string, signal: AbortSignal) {\n  await fetch(url, { signal });\n}\n',
    },
    {
      name: 'adds the property to an options literal',
      safety: 'unsafe',
      input: 'export async function f(url: string, signal: AbortSignal) {\n  await fetch(url, { method: "POST" });\n}\n',
      expected: 'export async function f(url: string, signal: AbortSignal) {\n  await fetch(url, { method: "POST", signal });\n}\n',
    },
    {
      name: 'passes a signal parameter',
      safety: 'unsafe',
      input: `${DOWNLOAD}export async function f(url: string, abort: AbortSignal) {\n  await download(url);\n}\n`,
      expected: `${DOWNLOAD}export async function f(url: string, abort: AbortSignal) {\n  await download(url, abort);\n}\n`,
    },
    {
      name: 'passes the signal of an options parameter',
      safety: 'unsafe',
      input: 'export async function f(url: string, options?: { signal?: AbortSignal }) {\n  await fetch(url);\n}\n',
      expected: 'export async function f(url: string, options?: { signal?: AbortSignal }) {\n  await fetch(url, { signal: options?.signal });\n}\n',
    },
  ]);
  it('sits on the callee', async () => {
    const text = 'export async function f(url: string, signal: AbortSignal) {\n  await fetch(url);\n}\n';
    const found = await findings('signal-not-propagated', text);
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['fetch']);
  });
});

describe('async-promise-executor', () => {
  it('sits on the async keyword and offers no fix', async () => {
    const text = 'export const p = new Promise(async (resolve) => resolve(1));\n';
    const found = await findings('async-promise-executor', text);
    assert.deepEqual(found.map((f) => text.slice(f.start, f.end)), ['async']);
    assert.equal(found[0].fixes, undefined);
  });
});
