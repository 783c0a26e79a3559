import type { Node } from 'web-tree-sitter';
import rule from '../../../rules/untracked-task';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import type { Scope } from '../facts/scopes';
import type { PythonCheck } from '../parsed';

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
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute');
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
  const callee = call.childForFieldName('function');
  if (callee === null) return undefined;
  const qualified = facts.qualifiedName(callee, scope);
  if (qualified !== undefined && TASK_STARTERS.has(qualified)) return qualified;
  if (callee.type !== 'attribute' || callee.childForFieldName('attribute')?.text !== 'create_task') return undefined;
  const receiver = callee.childForFieldName('object');
  return receiver !== null && isEventLoop(facts, receiver, scope) ? 'loop.create_task' : undefined;
}

/** The call is the whole statement: its result goes nowhere. */
function isDropped(call: Node): boolean {
  const parent = call.parent;
  return parent?.type === 'expression_statement' && parent.namedChildCount === 1;
}

const check: PythonCheck = {
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    for (const { node: call, scope } of facts.calls) {
      if (!isDropped(call)) continue;
      const starter = taskStarter(facts, call, scope);
      if (starter === undefined) continue;
      context.report({
        start: call.startIndex,
        end: call.endIndex,
        message:
          `The task started by \`${starter}(...)\` is dropped: nothing keeps it alive or sees its errors. ` +
          'Start it in an `asyncio.TaskGroup`, or keep the task and await it.',
        fixes: scope.isAsync
          ? [{ title: 'Await the task here', safety: 'unsafe', edits: [{ start: call.startIndex, end: call.startIndex, newText: 'await ' }] }]
          : [],
      });
    }
  },
};

export default check;
