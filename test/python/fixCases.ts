// Shared by the Python rule tests of swallowed-exception, unstructured-logging,
// unlabelled-sync-bridge, missing-type-hints, async-test-never-runs and nested-event-loop: apply one
// fix, compare the exact text, check that it parses (tree-sitter, and CPython when available) and
// that the fixed finding is gone; fix-all is idempotent.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { registry } from '../../server/src/engine/registry';
import type { EngineSettings, RuleLevel } from '../../server/src/engine/settings';
import { applyEdits } from '../../server/src/engine/fixes';
import { SourceText } from '../../server/src/engine/sourceText';
import type { Finding, Fix } from '../../server/src/engine/types';
import pythonPack from '../../server/src/languages/python/pack';
import { testEngine } from '../helpers/engine';

const python3 = spawnSync('python3', ['--version']).status === 0;
let scratch: string | undefined;
let scratchCount = 0;

after(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** Tree-sitter finds no ERROR or MISSING node, and CPython compiles the text (when present). */
export async function assertParses(code: string): Promise<void> {
  await testEngine();
  const parsed = pythonPack.parse(new SourceText(code), 'fixed.py');
  try {
    const broken: string[] = [];
    const cursor = parsed.root.walk();
    for (;;) {
      const node: Node = cursor.currentNode;
      if (node.isError || node.isMissing) broken.push(`${node.type} at ${node.startIndex}`);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) break;
      }
      if (cursor.currentNode.id === parsed.root.id) break;
    }
    cursor.delete();
    assert.deepEqual(broken, [], `tree-sitter cannot parse:\n${code}`);
  } finally {
    pythonPack.dispose(parsed);
  }
  if (python3) {
    scratch ??= await mkdtemp(path.join(tmpdir(), 'async-guardrails-py2-'));
    const file = path.join(scratch, `fixed_${scratchCount++}.py`);
    await writeFile(file, code);
    const stderr = await new Promise<string | undefined>((resolve) => {
      execFile('python3', ['-m', 'py_compile', file], { encoding: 'utf8' }, (error, _stdout, errors) => resolve(error === null ? undefined : errors));
    });
    assert.equal(stderr, undefined, `python3 cannot compile:\n${code}\n${stderr ?? ''}`);
  }
}

export interface Target {
  fileName?: string;
  settings?: EngineSettings;
}

export async function findings(code: string, ruleId: string, target: Target = {}): Promise<Finding[]> {
  const engine = await testEngine();
  const result = engine.analyze({ text: code, fileName: target.fileName ?? 'example.py', settings: target.settings });
  assert.deepEqual(result.internalErrors, []);
  return result.findings.filter((f) => f.ruleId === ruleId);
}

export interface FixCase {
  name: string;
  code: string;
  /** Which finding of the rule to fix (document order). */
  index?: number;
  /** Which of its fixes (default: the first, the best one). */
  fixIndex?: number;
  /** The fixed text, or undefined when no fix may be offered. */
  expected: string | undefined;
  safety?: Fix['safety'];
  fileName?: string;
  /** Settings for this case (default: the runner's). */
  settings?: EngineSettings;
}

/** One test per case: apply the chosen fix, compare the exact text, re-parse, re-analyse. */
export function runCases(ruleId: string, cases: readonly FixCase[], defaults: Target = {}): void {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const target: Target = { fileName: testCase.fileName ?? defaults.fileName, settings: testCase.settings ?? defaults.settings };
      const before = await findings(testCase.code, ruleId, target);
      const finding = before[testCase.index ?? 0];
      assert.ok(finding, `no ${ruleId} finding in:\n${testCase.code}`);
      const fix = finding.fixes?.[testCase.fixIndex ?? 0];
      if (testCase.expected === undefined) {
        assert.equal(fix, undefined, `unexpected fix ${JSON.stringify(fix)}`);
        return;
      }
      assert.ok(fix, 'no fix offered');
      if (testCase.safety !== undefined) assert.equal(fix.safety, testCase.safety);
      const fixed = applyEdits(testCase.code, fix.edits);
      assert.equal(fixed, testCase.expected);
      await assertParses(fixed);
      const afterFix = await findings(fixed, ruleId, target);
      assert.equal(afterFix.length, before.length - 1, `the fixed finding is still reported:\n${fixed}`);
    });
  }
}

/** Settings with every rule but `ruleId` off, so fix-all applies that rule's fixes only. */
export function onlyRule(ruleId: string): EngineSettings {
  const rules: Record<string, RuleLevel> = {};
  for (const rule of registry.all()) rules[rule.id] = rule.id === ruleId ? 'warning' : 'off';
  return { rules };
}

/**
 * Fix-all of `ruleId` alone (safe fixes, or all with `unsafe`) gives `expected`, which parses, and
 * a second run changes nothing.
 */
export async function assertFixAll(ruleId: string, code: string, expected: string, options: { unsafe?: boolean; fileName?: string } = {}): Promise<void> {
  const engine = await testEngine();
  const input = { text: code, fileName: options.fileName ?? 'example.py', settings: onlyRule(ruleId) };
  const first = engine.fixAll(input, { unsafe: options.unsafe });
  assert.equal(first.text, expected);
  await assertParses(first.text);
  const second = engine.fixAll({ ...input, text: first.text }, { unsafe: options.unsafe });
  assert.equal(second.applied, 0);
  assert.equal(second.text, first.text);
}
