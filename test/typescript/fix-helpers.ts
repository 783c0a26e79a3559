// Shared by the TypeScript rule tests: run one rule, apply a fix, check the result parses.
import * as assert from 'node:assert/strict';
import * as ts from 'typescript';
import { applyEdits } from '../../server/src/engine/fixes';
import { registry } from '../../server/src/engine/registry';
import type { EngineSettings, RuleLevel } from '../../server/src/engine/settings';
import type { Finding, Fix } from '../../server/src/engine/types';
import { testEngine } from '../helpers/engine';

export function syntaxErrors(text: string, fileName: string): string[] {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  // `parseDiagnostics` is internal to the compiler API (absent from its typings), but it is exactly
  // the list of syntax errors of a `createSourceFile` result, without building a program.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

export async function ruleFindings(rule: string, text: string, fileName = 'example.ts', settings: EngineSettings = { preview: true }): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text, fileName, settings });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === rule);
}

export interface FixCase {
  name: string;
  fileName?: string;
  input: string;
  /** Which finding (in source order) to fix. */
  index?: number;
  expected: string;
  safety: Fix['safety'];
  settings?: EngineSettings;
}

/** Applies the case's fix and checks: exact text, safety, parses, the finding is gone. */
export async function checkFix(rule: string, c: FixCase): Promise<void> {
  const fileName = c.fileName ?? 'example.ts';
  const settings = c.settings ?? { preview: true };
  const before = await ruleFindings(rule, c.input, fileName, settings);
  const fix = before[c.index ?? 0]?.fixes?.[0];
  assert.ok(fix !== undefined, `no fix among ${JSON.stringify(before.map((f) => f.message))}`);
  assert.equal(fix.safety, c.safety);
  const output = applyEdits(c.input, fix.edits);
  assert.equal(output, c.expected);
  assert.deepEqual(syntaxErrors(output, fileName), [], output);
  assert.equal((await ruleFindings(rule, output, fileName, settings)).length, before.length - 1, 'the fixed finding is still reported');
}

/** Settings with preview rules on and every rule but `rule` off, so fix-all applies only its fixes. */
export function onlyRule(rule: string, settings: EngineSettings = {}): EngineSettings {
  const rules: Record<string, RuleLevel> = {};
  for (const meta of registry.all()) if (meta.id !== rule) rules[meta.id] = 'off';
  return { preview: true, ...settings, rules: { ...rules, ...settings.rules } };
}

/** `engine.fixAll` with unsafe fixes reaches a fixed point: a second run changes nothing. */
export async function checkFixAllIdempotent(rule: string, text: string, fileName = 'example.ts', unsafe = true): Promise<string> {
  const engine = await testEngine();
  const settings = onlyRule(rule);
  const once = engine.fixAll({ text, fileName, settings }, { unsafe });
  assert.deepEqual(syntaxErrors(once.text, fileName), [], once.text);
  const twice = engine.fixAll({ text: once.text, fileName, settings }, { unsafe });
  assert.equal(twice.text, once.text);
  return once.text;
}
