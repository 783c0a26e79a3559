import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/prefer-task-group';
import { asyncioReference, lineEnding } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { hasIdentifier, indentAt, indentUnit, namedChildren, startsLine } from '../facts/flow';
import { field, parentOf } from '../facts/nodes';
import { hasSplat, keywordArgument, positionalArguments } from '../facts/objects';
import type { Scope } from '../facts/scopes';
import { type FocusableCheck, sitesInFocus } from '../incremental';
import type { PythonCheckContext } from '../parsed';

/** `"3.11"` → [3, 11]; undefined when it is not a version. */
function parseVersion(text: unknown): [number, number] | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^\s*(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function atLeast311(version: readonly [number, number]): boolean {
  return version[0] > 3 || (version[0] === 3 && version[1] >= 11);
}

/** An argument that starts work here: a call, or a starred comprehension of calls. */
function startsWork(arg: Node): boolean {
  if (arg.type === 'call') return true;
  if (arg.type === 'list_splat') {
    const inner = arg.firstNamedChild;
    if (inner?.type === 'list_comprehension' || inner?.type === 'generator_expression') return field(inner, 'body')?.type === 'call';
    if (inner?.type === 'call') return field(inner, 'function')?.text === 'map';
  }
  if (arg.type === 'list' || arg.type === 'set' || arg.type === 'tuple') return namedChildren(arg).some((c) => c.type === 'call');
  if (arg.type === 'list_comprehension' || arg.type === 'set_comprehension' || arg.type === 'generator_expression') {
    return field(arg, 'body')?.type === 'call';
  }
  return false;
}

/** Why a gather/wait call is worth rewriting, or undefined when it is not (or has semantics a TaskGroup lacks). */
function candidate(facts: PythonFacts, call: Node, scope: Scope): 'gather' | 'wait' | undefined {
  const qualified = facts.qualifiedName(call, scope);
  if (qualified !== 'asyncio.gather' && qualified !== 'asyncio.wait') return undefined;
  const args = field(call, 'arguments');
  if (args?.type !== 'argument_list') return undefined;
  const items = namedChildren(args).filter((a) => a.type !== 'keyword_argument');
  if (!items.some(startsWork)) return undefined;
  if (qualified === 'asyncio.gather') {
    // Collecting failures as values has no TaskGroup equivalent.
    const returnExceptions = keywordArgument(call, 'return_exceptions')?.childForFieldName('value')?.text;
    if (returnExceptions !== undefined && returnExceptions !== 'False') return undefined;
    if (hasSplat(call).keyword) return undefined;
    return 'gather';
  }
  // `asyncio.wait` with a timeout or FIRST_COMPLETED / FIRST_EXCEPTION races tasks: no TaskGroup equivalent.
  if (keywordArgument(call, 'timeout') !== undefined || positionalArguments(call).length > 1) return undefined;
  const returnWhen = keywordArgument(call, 'return_when')?.childForFieldName('value')?.text;
  if (returnWhen !== undefined && !returnWhen.endsWith('ALL_COMPLETED')) return undefined;
  return 'wait';
}

/** True when `name` is free in the function (unbound and unused). */
function isFree(facts: PythonFacts, scope: Scope, name: string): boolean {
  return facts.resolve(name, scope).kind === 'unknown' && (scope.functionNode === undefined || !hasIdentifier(facts, scope.functionNode, name));
}

/**
 * `await asyncio.gather(x(), y())` as a statement, or `a, b = await asyncio.gather(x(), y())`:
 * rewritten into an `async with asyncio.TaskGroup() as tg:` block.
 */
function rewrite(context: PythonCheckContext, facts: PythonFacts, call: Node, scope: Scope): Fix | undefined {
  const text = context.source.text;
  const awaitNode = parentOf(call);
  if (awaitNode?.type !== 'await' || call.hasError) return undefined;
  const args = field(call, 'arguments');
  if (args?.type !== 'argument_list' || args.namedChildren.some((c) => c?.type === 'comment')) return undefined;
  const items = namedChildren(args);
  if (items.length === 0 || !items.every((a) => a.type === 'call')) return undefined;
  let statement = awaitNode.parent;
  let targets: Node[] | undefined;
  if (statement?.type === 'assignment') {
    const left = field(statement, 'left');
    if (field(statement, 'right')?.id !== awaitNode.id || field(statement, 'type') !== null) return undefined;
    if (left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') return undefined;
    targets = namedChildren(left);
    if (targets.length !== items.length || !targets.every((t) => t.type === 'identifier')) return undefined;
    statement = statement.parent;
  }
  if (statement?.type !== 'expression_statement' || statement.namedChildCount !== 1 || statement.parent?.type !== 'block') return undefined;
  if (!startsLine(text, statement.startIndex)) return undefined;
  const asyncio = asyncioReference(facts, context.source, scope);
  if (asyncio === undefined) return undefined;
  const group = ['tg', 'task_group'].find((n) => isFree(facts, scope, n));
  if (group === undefined) return undefined;
  const eol = lineEnding(context.source);
  const indent = indentAt(text, statement.startIndex);
  const inner = indent + indentUnit(text, statement.parent);
  const lines = [`async with ${asyncio.name}.TaskGroup() as ${group}:`];
  const results: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const work = text.slice(items[i].startIndex, items[i].endIndex);
    const target = targets?.[i]?.text;
    if (target === undefined || target === '_') {
      lines.push(`${inner}${group}.create_task(${work})`);
      continue;
    }
    const taskName = `${target}_task`;
    if (!isFree(facts, scope, taskName) || items.some((other) => other.text.includes(taskName))) return undefined;
    lines.push(`${inner}${taskName} = ${group}.create_task(${work})`);
    results.push(`${indent}${target} = ${taskName}.result()`);
  }
  const newText = [lines[0], ...lines.slice(1), ...results].join(eol);
  return {
    title: `Rewrite with \`async with ${asyncio.name}.TaskGroup()\``,
    safety: 'unsafe',
    edits: [...asyncio.edits, { start: statement.startIndex, end: statement.endIndex, newText }],
  };
}

/**
 * Focusable (see incremental.ts): a call is judged from its own arguments, the names of its scopes
 * (its function, enclosing classes, the module) and the file's header imports (where an added
 * `import asyncio` goes).
 */
const check: FocusableCheck = {
  focusable: true,
  rule,
  run(context) {
    const version = context.project.pythonVersion ?? parseVersion(context.options.targetPython) ?? [3, 11];
    if (!atLeast311(version)) return;
    const facts = pythonFacts(context.parsed);
    for (const { node: call, scope } of sitesInFocus(facts.calls, context.parsed.focus)) {
      if (!scope.isAsync) continue;
      const kind = candidate(facts, call, scope);
      if (kind === undefined) continue;
      const fix = kind === 'gather' ? rewrite(context, facts, call, scope) : undefined;
      context.report({
        start: call.startIndex,
        end: call.endIndex,
        message:
          kind === 'gather'
            ? '`asyncio.gather` leaves the other tasks running when one fails; on Python 3.11+ an `asyncio.TaskGroup` cancels them and reports every error.'
            : '`asyncio.wait` for all tasks neither cancels the rest on failure nor raises; on Python 3.11+ an `asyncio.TaskGroup` does both.',
        fixes: fix === undefined ? [] : [fix],
      });
    }
  },
};

export default check;
