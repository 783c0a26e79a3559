// Fix safety, for every fixture file and real files at hand (the repository's own sources and
// examples; with AG_STRESS=1 also the standard library's asyncio package and vscode-jsonrpc):
// each offered fix applied alone, and fix-all (safe), must leave code that parses (python3's
// compiler when there is one, else tree-sitter; the TypeScript parser for TS/JS), make the fixed
// diagnostic go away, add no diagnostic that was not there, and fix-all run twice must change
// nothing the second time. Generic over the registry: every rule's every fix is checked.
// A failure here names the file, the rule, the fix title and the code before and after.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Engine } from '../../server/src/engine/engine';
import { applyEdits } from '../../server/src/engine/fixes';
import { SourceText } from '../../server/src/engine/sourceText';
import pythonPack from '../../server/src/languages/python/pack';
import type { Finding, TextEdit } from '../../server/src/engine/types';
import { repoRoot, testEngine } from '../helpers/engine';
import { compilePython, hasPython } from './python';
import { ALL_RULES, describeFinding, findingKey, fixtureFiles, listFiles, packOf, repositoryFiles, STRESS, typescriptSyntaxErrors } from './support';

const STDLIB_ASYNCIO = '/root/.pyenv/versions/3.11.7/lib/python3.11/asyncio';
const JSONRPC = path.join(repoRoot, 'node_modules', 'vscode-jsonrpc', 'lib');

const fixtures = fixtureFiles();
const realFiles = [...repositoryFiles(), ...(STRESS ? [...listFiles(STDLIB_ASYNCIO, (f) => f.endsWith('.py')), ...listFiles(JSONRPC, (f) => f.endsWith('.js'))] : [])];

interface Violation {
  rule: string;
  fix: string;
  problem: string;
  before: string;
  after: string;
}

/** A change to check: what was applied, the text before and after. */
interface Change {
  rule: string;
  fix: string;
  before: string;
  after: string;
  edits: readonly TextEdit[];
}

function excerpt(before: string, after: string): { before: string; after: string } {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const widen = (text: string, end: number): string => {
    const start = Math.max(0, text.lastIndexOf('\n', prefix - 1) + 1);
    const stop = text.indexOf('\n', end);
    const slice = text.slice(start, stop < 0 ? text.length : stop);
    return slice.length > 400 ? `${slice.slice(0, 400)}…` : slice;
  };
  return { before: widen(before, before.length - suffix), after: widen(after, after.length - suffix) };
}

/** Where an offset of the old text lands in the new one; insertions at it go before (start) or after (end). */
function mapOffset(offset: number, edits: readonly TextEdit[], side: 'start' | 'end'): number {
  let shift = 0;
  for (const edit of edits) {
    const delta = edit.newText.length - (edit.end - edit.start);
    if (edit.end < offset || (edit.end === offset && (side === 'end' || edit.start < edit.end))) shift += delta;
    else if (edit.start < offset && offset < edit.end) return edit.start + shift + (side === 'end' ? edit.newText.length : 0);
  }
  return offset + shift;
}

/**
 * Follow-on findings a fix is meant to reveal rather than create, by the fixed rule: awaiting a
 * coroutine that never ran exposes the call to the rules about awaited I/O (missing-timeout), and
 * turning `forEach(async …)` into a `for…of` loop *is* the sequential variant the user picked from
 * the two offered (sequential-await-in-loop, a preview-tier hint, then says so).
 */
const REVEALED: Readonly<Record<string, readonly string[]>> = {
  'unawaited-coroutine': ['missing-timeout'],
  'misused-promise': ['sequential-await-in-loop'],
};

function revealedBy(fixedRules: readonly string[], fresh: Finding): boolean {
  return fixedRules.some((rule) => REVEALED[rule]?.includes(fresh.ruleId) === true);
}

function countKeys(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(findingKey(f), (counts.get(findingKey(f)) ?? 0) + 1);
  return counts;
}

/** Findings of `after` not accounted for by `before` (compared by rule and message, positions aside). */
function newFindings(before: readonly Finding[], after: readonly Finding[], removed?: Finding): Finding[] {
  const budget = countKeys(before);
  if (removed !== undefined) budget.set(findingKey(removed), (budget.get(findingKey(removed)) ?? 1) - 1);
  const fresh: Finding[] = [];
  for (const f of after) {
    const left = budget.get(findingKey(f)) ?? 0;
    if (left > 0) budget.set(findingKey(f), left - 1);
    else fresh.push(f);
  }
  return fresh;
}

interface FileCheck {
  violations: Violation[];
  /** Changed texts whose parse is checked later, in one python3 batch. */
  pythonPending: Change[];
  fixesChecked: number;
}

function checkFile(engine: Engine, file: string, text: string): FileCheck {
  const pack = packOf(file);
  const violations: Violation[] = [];
  const pythonPending: Change[] = [];
  const analyse = (t: string): Finding[] => engine.analyze({ text: t, fileName: file, settings: ALL_RULES }).findings;
  const originalSyntax = pack === 'typescript' ? typescriptSyntaxErrors(file, text).length : 0;
  const parses = (change: Change): string | undefined => {
    if (pack === 'python') {
      pythonPending.push(change);
      return undefined;
    }
    const errors = typescriptSyntaxErrors(file, change.after);
    return errors.length > originalSyntax ? `no longer parses: ${errors[0]}` : undefined;
  };
  const violation = (change: Change, problem: string): void => {
    violations.push({ rule: change.rule, fix: change.fix, problem, ...excerpt(change.before, change.after) });
  };

  const baseline = analyse(text);
  let fixesChecked = 0;
  for (const finding of baseline) {
    for (const fix of finding.fixes ?? []) {
      fixesChecked++;
      const after = applyEdits(text, fix.edits);
      const change: Change = { rule: finding.ruleId, fix: `${fix.title} (${fix.safety})`, before: text, after, edits: fix.edits };
      const syntax = parses(change);
      if (syntax !== undefined) violation(change, syntax);
      const findings = analyse(after);
      const sorted = [...fix.edits].sort((a, b) => a.start - b.start);
      // Still there: a finding of the rule that starts where the fixed one starts (text the fix
      // inserted in front may be included) and reaches at least where it ended; findings nested
      // inside a wide span (a call whose callback holds other calls) are other findings.
      const startFrom = mapOffset(finding.start, sorted, 'start');
      const startTo = mapOffset(finding.start, sorted, 'end');
      const endAtLeast = mapOffset(finding.end, sorted, 'start');
      // Another finding of the same rule on the same expression (a call chain flagged twice) is
      // recognised by its own mapped span, and is not the fixed one.
      const others = baseline
        .filter((f) => f !== finding && f.ruleId === finding.ruleId)
        .map((f) => `${mapOffset(f.start, sorted, 'start')}:${mapOffset(f.end, sorted, 'start')}`);
      const still = findings.find(
        (f) => f.ruleId === finding.ruleId && f.start >= startFrom && f.start <= startTo && f.end >= endAtLeast && !others.includes(`${f.start}:${f.end}`),
      );
      if (still !== undefined) violation(change, `the fixed diagnostic is still there: ${describeFinding(after, still)}`);
      for (const fresh of newFindings(baseline, findings, finding)) {
        if (fresh !== still && !revealedBy([finding.ruleId], fresh)) violation(change, `new diagnostic: ${describeFinding(after, fresh)}: ${fresh.message}`);
      }
    }
  }

  const once = engine.fixAll({ text, fileName: file, settings: ALL_RULES });
  if (once.text !== text) {
    fixesChecked++;
    const change: Change = { rule: '(fix-all)', fix: `fix-all, safe (${once.applied} fixes)`, before: text, after: once.text, edits: [] };
    const syntax = parses(change);
    if (syntax !== undefined) violation(change, syntax);
    const fixedRules = [...new Set(baseline.map((f) => f.ruleId))];
    for (const fresh of newFindings(baseline, analyse(once.text))) {
      if (!revealedBy(fixedRules, fresh)) violation(change, `new diagnostic: ${describeFinding(once.text, fresh)}: ${fresh.message}`);
    }
    const twice = engine.fixAll({ text: once.text, fileName: file, settings: ALL_RULES });
    if (twice.text !== once.text) {
      violations.push({ rule: '(fix-all)', fix: 'fix-all, safe, run twice', problem: `the second run changed the text again (${twice.applied} more fixes)`, ...excerpt(once.text, twice.text) });
    }
  }
  return { violations, pythonPending, fixesChecked };
}

function render(v: Violation): string {
  return `${v.rule} — fix "${v.fix}": ${v.problem}\n    before: ${JSON.stringify(v.before)}\n    after:  ${JSON.stringify(v.after)}`;
}

async function checkAll(files: readonly string[]): Promise<{ byFile: Map<string, Violation[]>; fixesChecked: number }> {
  const engine = await testEngine();
  const byFile = new Map<string, Violation[]>();
  const pending: { file: string; change: Change }[] = [];
  const originals = new Map<string, string>();
  let fixesChecked = 0;
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const checked = checkFile(engine, file, text);
    byFile.set(file, checked.violations);
    fixesChecked += checked.fixesChecked;
    for (const change of checked.pythonPending) pending.push({ file, change });
    if (checked.pythonPending.length > 0) originals.set(file, text);
  }
  if (pending.length > 0) {
    if (await hasPython()) {
      const originalFiles = [...originals.keys()];
      const originalErrors = await compilePython(originalFiles.map((f) => originals.get(f) ?? ''));
      const compiledBefore = new Set(originalFiles.filter((_, i) => originalErrors[i] === undefined));
      const errors = await compilePython(pending.map((p) => p.change.after));
      pending.forEach(({ file, change }, i) => {
        const error = errors[i];
        // A file that did not compile before (a syntax-error fixture) cannot be broken by a fix.
        if (error !== undefined && compiledBefore.has(file)) {
          byFile.get(file)?.push({ rule: change.rule, fix: change.fix, problem: `no longer compiles (python3): ${error}`, ...excerpt(change.before, change.after) });
        }
      });
    } else {
      // No python3: tree-sitter's error nodes stand in (the Python pack's own parse).
      const hasError = (text: string): boolean => {
        const parsed = pythonPack.parse(new SourceText(text), 'fixed.py');
        const broken = parsed.root.hasError;
        pythonPack.dispose(parsed);
        return broken;
      };
      for (const { file, change } of pending) {
        if (!hasError(originals.get(file) ?? '') && hasError(change.after)) {
          byFile.get(file)?.push({ rule: change.rule, fix: change.fix, problem: 'no longer parses (tree-sitter)', ...excerpt(change.before, change.after) });
        }
      }
    }
  }
  return { byFile, fixesChecked };
}

function suite(title: string, files: readonly string[]): void {
  describe(title, () => {
    let results: Awaited<ReturnType<typeof checkAll>>;
    before(async () => {
      results = await checkAll(files);
    });
    it(`checks every fix offered in ${files.length} files`, (t) => {
      t.diagnostic(`${results.fixesChecked} fixes (and fix-all runs) checked in ${files.length} files`);
      if (STRESS) process.stdout.write(`# fix safety, ${title}: ${results.fixesChecked} fixes (and fix-all runs) checked in ${files.length} files\n`);
    });
    for (const file of files) {
      it(path.relative(repoRoot, file).startsWith('..') ? file : path.relative(repoRoot, file), () => {
        const violations = results.byFile.get(file) ?? [];
        assert.equal(violations.length, 0, `${violations.length} unsafe fix results in ${file}:\n  ${violations.map(render).join('\n  ')}`);
      });
    }
  });
}

suite('fix safety: fixture files', fixtures);
suite('fix safety: real files', realFiles);
