// The type-aware promise rules answer cheap questions (syntax, the callee's declared parameters)
// before asking the checker the costly ones. These cases sit on each of those shortcuts: where
// the shortcut must not stop a finding, and where it rightly does.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/engine/types';
import { testEngine } from '../helpers/engine';

async function findings(ruleId: string, text: string): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text, fileName: 'shortcuts.ts' });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === ruleId);
}

function flaggedText(text: string, found: Finding[]): string[] {
  return found.map((f) => text.slice(f.start, f.end));
}

const MISUSED_PRELUDE = [
  'function on(listener: () => void): void { listener(); }',
  'function onAll(...listeners: Array<() => void>): void { listeners.forEach((l) => l()); }',
  'async function job(): Promise<void> {}',
  'const task = async (): Promise<void> => {};',
  '',
].join('\n');

describe('misused-promise shortcuts', () => {
  const cases: { name: string; code: string; flagged: string[] }[] = [
    { name: 'arithmetic body', code: 'on(() => 1 + 2);', flagged: [] },
    { name: 'block returning literals only', code: "on(() => { if (Math.random() > 0.5) return 'a'; return `b`; });", flagged: [] },
    { name: 'object literal without then', code: 'on(() => ({ ok: true }));', flagged: [] },
    { name: 'object literal with a then method is a thenable', code: 'on(() => ({ then(done: () => void) { done(); } }));', flagged: ['() =>'] },
    { name: 'void annotation', code: 'on((): void => undefined);', flagged: [] },
    { name: 'body calling an async function', code: 'on(() => job());', flagged: ['() =>'] },
    { name: 'body calling a void function', code: 'on(() => console.log(1));', flagged: [] },
    { name: 'conditional of a call', code: 'on(() => (Math.random() > 0.5 ? job() : job()));', flagged: ['() =>'] },
    { name: 'async identifier to a function parameter', code: 'on(task);', flagged: ['task'] },
    { name: 'async identifier to a rest parameter', code: 'onAll(task, task);', flagged: ['task', 'task'] },
    { name: 'async identifier to a non-function parameter', code: 'String(task); Math.max(task.length, 1);', flagged: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const text = MISUSED_PRELUDE + c.code;
      assert.deepEqual(flaggedText(text, await findings('misused-promise', text)), c.flagged);
    });
  }
});

describe('signal-not-propagated shortcuts', () => {
  it('a closure without a signal of its own sees the outer one', async () => {
    const text = "export async function load(signal: AbortSignal) {\n  const run = () => fetch('https://example.invalid');\n  return run();\n}\n";
    assert.deepEqual(flaggedText(text, await findings('signal-not-propagated', text)), ['fetch']);
  });
  it('a callback typed by its context has a signal of its own', async () => {
    const text = [
      'function run(task: (signal: AbortSignal) => Promise<unknown>): void { void task(new AbortController().signal); }',
      "run(async (s) => fetch('https://example.invalid'));",
      '',
    ].join('\n');
    const found = await findings('signal-not-propagated', text);
    assert.deepEqual(flaggedText(text, found), ['fetch']);
    assert.match(found[0].message, /Pass `s`/);
  });
  it('calls whose callee takes no signal are left alone', async () => {
    const text = "export async function load(signal: AbortSignal, ids: string[]) {\n  return ids.map((id) => id.trim()).join(',') + String(signal.aborted);\n}\n";
    assert.deepEqual(await findings('signal-not-propagated', text), []);
  });
});

describe('untracked-task shortcuts', () => {
  it('flags a promise local that is never read, not one that is', async () => {
    const text = [
      'async function job(): Promise<number> { return 1; }',
      'export async function f() {',
      '  const started = job();',
      '  const joined = job();',
      '  const count = 1;',
      '  return (await joined) + 1;',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(flaggedText(text, await findings('untracked-task', text)), ['started']);
  });
});
