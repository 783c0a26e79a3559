import type { Node } from 'web-tree-sitter';
import type { Fix, TextEdit } from '../../../engine/types';
import rule from '../../../rules/untracked-task';
import { asyncioReference, lineEnding, topLevelImportEdit } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { ancestorsInFunction, hasIdentifier, indentAt, isOnlyIdentifier, namedChildren, startsLine } from '../facts/flow';
import { field, parentOf, textOf, typeOf } from '../facts/nodes';
import { positionalArguments } from '../facts/objects';
import { mayStartStatementOrAssignedValue } from '../facts/parents';
import type { Scope } from '../facts/scopes';
import type { PythonCheck, PythonCheckContext } from '../parsed';

/** The module-level set the "keep a reference" fix stores tasks in. */
const BACKGROUND_SET = '_background_tasks';

/** Module functions that start a task and hand it back. */
const TASK_STARTERS: ReadonlySet<string> = new Set(['asyncio.create_task', 'asyncio.ensure_future']);

/** Calls that return an event loop. */
const LOOP_GETTERS: ReadonlySet<string> = new Set(['asyncio.get_event_loop', 'asyncio.get_running_loop', 'asyncio.new_event_loop']);

/** Names that, with nothing better known, stand for an event loop by convention. */
const LOOP_NAME = /^_?(event_?)?loop$/;

/** The last name of a receiver: `loop`, `self._loop` → `_loop`. */
function lastName(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = field(node, 'object');
    const attribute = field(node, 'attribute');
    return object?.type === 'identifier' && object.text === 'self' ? attribute?.text : undefined;
  }
  return undefined;
}

/** True when `receiver` is known (or, by its conventional name, taken) to be an event loop. */
function isEventLoop(facts: PythonFacts, receiver: Node, scope: Scope): boolean {
  if (receiver.type === 'call') {
    const getter = facts.qualifiedName(receiver, scope);
    return getter !== undefined && LOOP_GETTERS.has(getter);
  }
  if (receiver.type === 'identifier') {
    const resolution = facts.resolve(receiver.text, scope);
    if (resolution.kind === 'import' || resolution.kind === 'builtin') return false;
    const assigned = facts.assignedValue(receiver, scope);
    if (assigned !== undefined) {
      const { value } = assigned;
      if (value.type === 'call') {
        const getter = facts.qualifiedName(value, assigned.scope);
        // Made by anything else (a TaskGroup, a factory of ours): not known to be a loop.
        return getter !== undefined && LOOP_GETTERS.has(getter);
      }
      // `loop = self._loop`: judge by the name it was copied from.
      const source = lastName(value);
      return source !== undefined && LOOP_NAME.test(source);
    }
  }
  const name = lastName(receiver);
  return name !== undefined && LOOP_NAME.test(name);
}

/** What started the dropped task, for the message; undefined when `call` starts none we know. */
function taskStarter(facts: PythonFacts, call: Node, scope: Scope): string | undefined {
  const callee = field(call, 'function');
  if (callee === null) return undefined;
  const qualified = facts.qualifiedName(callee, scope);
  if (qualified !== undefined && TASK_STARTERS.has(qualified)) return qualified;
  if (typeOf(callee) !== 'attribute') return undefined;
  const attribute = field(callee, 'attribute');
  if (attribute === null || textOf(attribute) !== 'create_task') return undefined;
  const receiver = field(callee, 'object');
  return receiver !== null && isEventLoop(facts, receiver, scope) ? 'loop.create_task' : undefined;
}

/** The call is the whole statement: its result goes nowhere. */
function isDropped(call: Node): boolean {
  const parent = parentOf(call);
  return parent?.type === 'expression_statement' && parent.namedChildCount === 1;
}

/**
 * `task = asyncio.create_task(...)` in a function, where `task` is bound only there and never
 * written again anywhere in the function (nested scopes included): the name is the target.
 */
function storedUnused(facts: PythonFacts, call: Node, scope: Scope): Node | undefined {
  const assignment = parentOf(call);
  if (assignment?.type !== 'assignment' || field(assignment, 'right')?.id !== call.id) return undefined;
  if (assignment.parent?.type !== 'expression_statement') return undefined;
  const target = field(assignment, 'left');
  if (target?.type !== 'identifier' || scope.kind !== 'function') return undefined;
  const resolution = facts.resolve(target.text, scope);
  if (resolution.kind !== 'local' || resolution.scope !== scope || resolution.bindings.length !== 1) return undefined;
  return isOnlyIdentifier(facts, scope.node, target) ? target : undefined;
}

/** The name of an `async with asyncio.TaskGroup() as tg:` around `call` in the same function. */
function enclosingTaskGroup(facts: PythonFacts, call: Node, scope: Scope): string | undefined {
  for (const ancestor of ancestorsInFunction(call)) {
    if (ancestor.type !== 'with_statement' || ancestor.firstChild?.type !== 'async') continue;
    const clause = ancestor.namedChildren.find((c) => c?.type === 'with_clause');
    for (const item of clause ? namedChildren(clause) : []) {
      const value = field(item, 'value');
      if (value?.type !== 'as_pattern') continue;
      const made = value.firstNamedChild;
      const alias = field(value, 'alias');
      const name = alias?.firstNamedChild ?? alias;
      if (made?.type !== 'call' || name?.type !== 'identifier') continue;
      if (facts.qualifiedName(made, facts.scopeOf(made)) !== 'asyncio.TaskGroup') continue;
      const resolution = facts.resolve(name.text, scope);
      if (resolution.kind === 'local' && resolution.bindings.length === 1 && resolution.bindings[0].node.id === name.id) return name.text;
    }
  }
  return undefined;
}

/** `tg.create_task(...)` instead: only for coroutine arguments and the keywords a TaskGroup takes. */
function taskGroupFix(call: Node, group: string): Fix | undefined {
  const callee = field(call, 'function');
  const args = field(call, 'arguments');
  if (callee === null || args?.type !== 'argument_list' || call.hasError) return undefined;
  const positional = positionalArguments(call);
  if (positional.length !== 1 || positional[0].type !== 'call') return undefined;
  for (const arg of namedChildren(args)) {
    if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return undefined;
    if (arg.type === 'keyword_argument' && !['name', 'context'].includes(field(arg, 'name')?.text ?? '')) return undefined;
  }
  return {
    title: `Start it on the enclosing TaskGroup: \`${group}.create_task(...)\``,
    safety: 'unsafe',
    edits: [{ start: callee.startIndex, end: callee.endIndex, newText: `${group}.create_task` }],
  };
}

/** A name for the task that nothing in the function uses yet. */
function freshName(facts: PythonFacts, scope: Scope): string | undefined {
  for (let i = 0; i < 20; i++) {
    const name = i === 0 ? 'task' : `task_${i}`;
    if (facts.resolve(name, scope).kind !== 'unknown') continue;
    if (!hasIdentifier(facts, scope.node, name)) return name;
  }
  return undefined;
}

/** The module-level set definition (with `import asyncio` when needed), or no edit when it exists. */
function backgroundSetEdits(context: PythonCheckContext, facts: PythonFacts): TextEdit[] | undefined {
  const existing = facts.module.bindings.get(BACKGROUND_SET);
  if (existing !== undefined) return existing.every((b) => b.kind === 'local') ? [] : undefined;
  const asyncio = asyncioReference(facts, context.source, facts.module);
  if (asyncio === undefined) return undefined;
  const eol = lineEnding(context.source);
  const definition = `${BACKGROUND_SET}: set[${asyncio.name}.Task[object]] = set()`;
  const statement = asyncio.edits.length > 0 ? `import asyncio${eol}${eol}${definition}` : `${eol}${definition}`;
  const edit = topLevelImportEdit(facts, context.source, statement);
  if (edit.start === 0 && asyncio.edits.length === 0) edit.newText = `${definition}${eol}`;
  return [edit];
}

/** Keep a strong reference in the module-level set until the task is done. */
function backgroundSetFix(context: PythonCheckContext, facts: PythonFacts, call: Node, scope: Scope, stored: Node | undefined): Fix | undefined {
  if (scope.kind !== 'function' || call.hasError) return undefined;
  const statement = stored === undefined ? parentOf(call) : stored.parent?.parent;
  if (statement?.type !== 'expression_statement' || !startsLine(context.source.text, statement.startIndex)) return undefined;
  if (statement.parent?.type !== 'block') return undefined;
  const definition = backgroundSetEdits(context, facts);
  if (definition === undefined) return undefined;
  const name = stored?.text ?? freshName(facts, scope);
  if (name === undefined) return undefined;
  const eol = lineEnding(context.source);
  const indent = indentAt(context.source.text, statement.startIndex);
  const end = context.source.lineEnd(context.source.positionAt(statement.endIndex).line);
  const edits: TextEdit[] = [...definition];
  if (stored === undefined) edits.push({ start: call.startIndex, end: call.startIndex, newText: `${name} = ` });
  edits.push({
    start: end,
    end,
    newText: `${eol}${indent}${BACKGROUND_SET}.add(${name})${eol}${indent}${name}.add_done_callback(${BACKGROUND_SET}.discard)`,
  });
  return { title: `Keep a reference in the module-level \`${BACKGROUND_SET}\` set until the task is done`, safety: 'unsafe', edits };
}

const check: PythonCheck = {
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    for (const { node: call, scope } of facts.calls) {
      if (!mayStartStatementOrAssignedValue(facts, call.startIndex)) continue;
      // What the call starts first (its callee's name is known already): its parent is costly to read.
      const starter = taskStarter(facts, call, scope);
      if (starter === undefined) continue;
      const dropped = isDropped(call);
      const stored = dropped ? undefined : storedUnused(facts, call, scope);
      if (!dropped && stored === undefined) continue;
      const fixes: Fix[] = [];
      const group = scope.isAsync ? enclosingTaskGroup(facts, call, scope) : undefined;
      const onGroup = group === undefined ? undefined : taskGroupFix(call, group);
      if (onGroup !== undefined) fixes.push(onGroup);
      else {
        const keep = backgroundSetFix(context, facts, call, scope, stored);
        if (keep !== undefined) fixes.push(keep);
      }
      if (dropped && scope.isAsync) {
        fixes.push({ title: 'Await the task here', safety: 'unsafe', edits: [{ start: call.startIndex, end: call.startIndex, newText: 'await ' }] });
      }
      context.report({
        start: call.startIndex,
        end: call.endIndex,
        message:
          stored === undefined
            ? `The task started by \`${starter}(...)\` is dropped: nothing keeps it alive or sees its errors. ` +
              'Start it in an `asyncio.TaskGroup`, or keep the task and await it.'
            : `The task started by \`${starter}(...)\` is stored in \`${stored.text}\`, which is never used again: ` +
              'nothing keeps it alive or sees its errors. Start it in an `asyncio.TaskGroup`, or keep the task and await it.',
        fixes,
      });
    }
  },
};

export default check;
