import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/async-test-never-runs';
import { topLevelImportEdit } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { field } from '../facts/nodes';
import type { Scope } from '../facts/scopes';
import { decoratorExpression, decoratorsOf, indentationBefore, isTestFileName, syntaxIndex } from '../facts/syntaxIndex';
import type { PythonCheck, PythonCheckContext } from '../parsed';

/** Marks under which a plugin awaits the test: pytest-asyncio, anyio, pytest-trio. */
const RUNNING_MARKS: ReadonlySet<string> = new Set(['asyncio', 'anyio', 'trio']);

type MarkVerdict = 'runs' | 'skipped' | 'other' | 'unknown';

/** What one decorator or `pytestmark` element means for an async test. */
function judgeMark(facts: PythonFacts, expression: Node, scope: Scope): MarkVerdict {
  const target = expression.type === 'call' ? field(expression, 'function') : expression;
  if (target === null) return 'unknown';
  const qualified = facts.qualifiedName(target, scope);
  if (qualified === undefined) return 'unknown';
  const mark = /^pytest\.mark\.(\w+)$/.exec(qualified);
  if (mark === null) return 'unknown';
  if (RUNNING_MARKS.has(mark[1])) return 'runs';
  return mark[1] === 'skip' ? 'skipped' : 'other';
}

/** Combines verdicts: any mark that runs (or skips) the test, or anything unknown, wins over plain marks. */
function combine(verdicts: Iterable<MarkVerdict>): MarkVerdict {
  let result: MarkVerdict = 'other';
  for (const verdict of verdicts) {
    if (verdict === 'runs' || verdict === 'skipped') return verdict;
    if (verdict === 'unknown') result = 'unknown';
  }
  return result;
}

/** The verdict of a `pytestmark = ...` in `scope`, or 'other' when there is none. */
function pytestmarkOf(facts: PythonFacts, scope: Scope): MarkVerdict {
  const bindings = scope.bindings.get('pytestmark');
  if (bindings === undefined) return 'other';
  const verdicts: MarkVerdict[] = [];
  for (const binding of bindings) {
    if (binding.kind !== 'local' || binding.value === undefined) return 'unknown';
    const value = binding.value;
    const elements = value.type === 'list' || value.type === 'tuple' ? value.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [value];
    for (const element of elements) verdicts.push(judgeMark(facts, element, scope));
  }
  return combine(verdicts);
}

function decoratorVerdict(facts: PythonFacts, definition: Node, scope: Scope): MarkVerdict {
  const verdicts: MarkVerdict[] = [];
  for (const decorator of decoratorsOf(definition)) {
    const expression = decoratorExpression(decorator);
    verdicts.push(expression === undefined ? 'unknown' : judgeMark(facts, expression, scope));
  }
  return combine(verdicts);
}

/**
 * The classes around a test function, innermost first, when pytest collects it: the function sits
 * at module level or in `Test*` classes without base classes (unittest-style classes run their
 * async tests themselves, or not at all, and are left alone). Undefined when it is not collected.
 */
function collectingClasses(fn: Node): Node[] | undefined {
  const classes: Node[] = [];
  let statement = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  for (;;) {
    const parent = statement.parent;
    if (parent?.type === 'module') return classes;
    if (parent?.type !== 'block' || parent.parent?.type !== 'class_definition') return undefined;
    const cls = parent.parent;
    if (!/^Test/.test(field(cls, 'name')?.text ?? '')) return undefined;
    const bases = field(cls, 'superclasses');
    if (bases !== null && bases.namedChildren.some((b) => b !== null && b.type !== 'comment' && b.text !== 'object')) return undefined;
    classes.push(cls);
    statement = cls.parent?.type === 'decorated_definition' ? cls.parent : cls;
  }
}

/** How to write `pytest.mark` where decorators of `fn` are evaluated, with the import to add if any. */
function markReference(context: PythonCheckContext, facts: PythonFacts, scope: Scope): { text: string; edits: Fix['edits'] } | undefined {
  const direct = facts.resolve('pytest', scope);
  if (direct.kind === 'import' && direct.qualified === 'pytest') return { text: 'pytest.mark', edits: [] };
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    for (const [name, bindings] of s.bindings) {
      if (!bindings.some((b) => b.kind === 'import' && (b.qualified === 'pytest' || b.qualified === 'pytest.mark'))) continue;
      const seen = facts.resolve(name, scope);
      if (seen.kind === 'import' && seen.qualified === 'pytest') return { text: `${name}.mark`, edits: [] };
      if (seen.kind === 'import' && seen.qualified === 'pytest.mark') return { text: name, edits: [] };
    }
  }
  if (direct.kind !== 'unknown') return undefined;
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) if (s.bindings.has('pytest')) return undefined;
  return { text: 'pytest.mark', edits: [topLevelImportEdit(facts, context.source, 'import pytest')] };
}

function markFix(context: PythonCheckContext, facts: PythonFacts, fn: Node, scope: Scope): Fix[] {
  if (fn.hasError) return [];
  const indent = indentationBefore(context.source, fn.startIndex);
  const reference = markReference(context, facts, scope);
  if (indent === undefined || reference === undefined) return [];
  const at = context.source.lineStart(context.source.positionAt(fn.startIndex).line);
  const decorator = `${indent}@${reference.text}.asyncio${context.source.eol}`;
  // The import goes where the test starts (a module with no statement before it): one edit, import first.
  const edits = reference.edits.some((e) => e.start === at)
    ? reference.edits.map((e) => (e.start === at ? { ...e, newText: `${e.newText}${decorator}` } : e))
    : [...reference.edits, { start: at, end: at, newText: decorator }];
  return [{ title: `Add \`@${reference.text}.asyncio\``, safety: 'safe', edits }];
}

function importsAny(facts: PythonFacts, modules: readonly string[]): boolean {
  for (const bindings of facts.module.bindings.values()) {
    for (const b of bindings) {
      if (b.kind === 'import' && modules.some((m) => b.qualified === m || b.qualified.startsWith(`${m}.`))) return true;
    }
  }
  return false;
}

/**
 * Test modules written for another event loop: their runner (pytest-trio's `trio_mode`, a
 * conftest hook) is configured where this rule cannot see it, and an asyncio mark would be wrong.
 */
const OTHER_LOOPS = ['trio', 'anyio', 'curio', 'twisted', 'tornado'];

const check: PythonCheck = {
  rule,
  run(context) {
    if (context.project.pytestAsyncioMode === 'auto') return;
    const facts = pythonFacts(context.parsed);
    if (!isTestFileName(context.fileName) && !importsAny(facts, ['pytest'])) return;
    if (importsAny(facts, OTHER_LOOPS)) return;
    let moduleMark: MarkVerdict | undefined;
    for (const fn of syntaxIndex(context.parsed).functions) {
      const name = field(fn, 'name');
      if (fn.firstChild?.type !== 'async' || name === null || !/^test/.test(name.text)) continue;
      const classes = collectingClasses(fn);
      if (classes === undefined) continue;
      const scope = facts.scopeOf(fn);
      const verdicts: MarkVerdict[] = [decoratorVerdict(facts, fn, scope)];
      for (const cls of classes) {
        verdicts.push(decoratorVerdict(facts, cls, facts.scopeOf(cls)));
        const classScope = facts.table.byNodeId.get(cls.id);
        if (classScope !== undefined) verdicts.push(pytestmarkOf(facts, classScope));
      }
      moduleMark ??= pytestmarkOf(facts, facts.module);
      verdicts.push(moduleMark);
      if (combine(verdicts) !== 'other') continue;
      context.report({
        start: name.startIndex,
        end: name.endIndex,
        message:
          `\`${name.text}\` is an async test with no \`@pytest.mark.asyncio\` (or anyio/trio) mark, and pytest-asyncio is not in auto mode: ` +
          'pytest only creates the coroutine and never runs it, so the test passes without testing anything.',
        fixes: markFix(context, facts, fn, scope),
      });
    }
  },
};

export default check;
