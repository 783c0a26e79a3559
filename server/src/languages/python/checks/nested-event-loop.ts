import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/nested-event-loop';
import { asyncioReference, awaitedReplacement } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { field, textOf, typeOf } from '../facts/nodes';
import type { Scope } from '../facts/scopes';
import { type FocusableCheck, sitesInFocus } from '../incremental';
import type { PythonCheckContext } from '../parsed';

const RUNNERS: ReadonlySet<string> = new Set(['asyncio.run', 'asyncio.runners.run']);
const GETTERS: ReadonlySet<string> = new Set(['asyncio.get_event_loop', 'asyncio.events.get_event_loop']);

/** `nest_asyncio.apply()` makes nested loops work on purpose: such modules are left alone. */
function usesNestAsyncio(facts: PythonFacts): boolean {
  for (const bindings of facts.module.bindings.values()) {
    if (bindings.some((b) => b.kind === 'import' && (b.qualified === 'nest_asyncio' || b.qualified.startsWith('nest_asyncio.')))) return true;
  }
  return false;
}

/** Expressions that `await` can take without parentheses. */
const PRIMARY: ReadonlySet<string> = new Set(['call', 'identifier', 'attribute', 'subscript', 'parenthesized_expression']);

/** `await <the only argument>` in place of the call, when the call has exactly one positional argument. */
function awaitArgumentFix(context: PythonCheckContext, call: Node): Fix[] {
  const args = field(call, 'arguments');
  if (args?.type !== 'argument_list' || call.hasError) return [];
  const list = args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (list.length !== 1) return [];
  const [only] = list;
  if (only.type === 'keyword_argument' || only.type === 'list_splat' || only.type === 'dictionary_splat') return [];
  let argument = context.source.text.slice(only.startIndex, only.endIndex);
  if (!PRIMARY.has(only.type)) argument = `(${argument})`;
  return [{ title: `Await it instead: \`await ${argument.length > 40 ? '...' : argument}\``, safety: 'unsafe', edits: [awaitedReplacement(call, argument)] }];
}

function runningLoopFix(context: PythonCheckContext, facts: PythonFacts, callee: Node, scope: Scope): Fix[] {
  const title = 'Use `asyncio.get_running_loop()`';
  if (callee.type === 'attribute') {
    const name = field(callee, 'attribute');
    if (name === null) return [];
    return [{ title, safety: 'safe', edits: [{ start: name.startIndex, end: name.endIndex, newText: 'get_running_loop' }] }];
  }
  const asyncio = asyncioReference(facts, context.source, scope);
  if (asyncio === undefined) return [];
  return [{ title, safety: 'safe', edits: [...asyncio.edits, { start: callee.startIndex, end: callee.endIndex, newText: `${asyncio.name}.get_running_loop` }] }];
}

const check: FocusableCheck = {
  focusable: true,
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    let nested: boolean | undefined;
    for (const { node: call, scope } of sitesInFocus(facts.calls, context.parsed.focus)) {
      if (!scope.isAsync) continue;
      const callee = field(call, 'function');
      if (callee === null) continue;
      const qualified = facts.qualifiedName(callee, scope);
      if (qualified !== undefined && GETTERS.has(qualified)) {
        context.report({
          start: callee.startIndex,
          end: callee.endIndex,
          message:
            '`asyncio.get_event_loop()` inside a coroutine: use `asyncio.get_running_loop()`, which says what is meant and cannot create a stray loop.',
          fixes: runningLoopFix(context, facts, callee, scope),
        });
        continue;
      }
      const attribute = typeOf(callee) === 'attribute' ? field(callee, 'attribute') : null;
      const method = attribute === null ? undefined : textOf(attribute);
      const runner = qualified !== undefined && RUNNERS.has(qualified) ? 'asyncio.run' : method === 'run_until_complete' ? 'loop.run_until_complete' : undefined;
      if (runner === undefined) continue;
      nested ??= usesNestAsyncio(facts);
      if (nested) continue;
      context.report({
        start: callee.startIndex,
        end: callee.endIndex,
        message:
          `\`${runner}(...)\` inside an async function raises RuntimeError: an event loop is already running in this thread. ` +
          'Await the coroutine instead.',
        fixes: awaitArgumentFix(context, call),
      });
    }
  },
};

export default check;
