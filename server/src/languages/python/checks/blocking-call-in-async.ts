import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/blocking-call-in-async';
import { asyncioReference, awaitedReplacement } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import type { Scope } from '../facts/scopes';
import type { PythonCheck, PythonCheckContext } from '../parsed';

type Category = 'sleep' | 'http' | 'file' | 'process';

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];

/** Blocking functions by qualified name. */
const BLOCKING = new Map<string, Category>([
  ['time.sleep', 'sleep'],
  ...HTTP_VERBS.map((verb): [string, Category] => [`requests.${verb}`, 'http']),
  ...HTTP_VERBS.map((verb): [string, Category] => [`requests.api.${verb}`, 'http']),
  ...[...HTTP_VERBS, 'stream'].map((verb): [string, Category] => [`httpx.${verb}`, 'http']),
  ['urllib.request.urlopen', 'http'],
  ['builtins.open', 'file'],
  ...['run', 'call', 'check_call', 'check_output', 'Popen', 'getoutput', 'getstatusoutput'].map(
    (name): [string, Category] => [`subprocess.${name}`, 'process'],
  ),
  ['os.system', 'process'],
  ['os.popen', 'process'],
]);

/** What makes a `requests` session, whose methods block like the module functions. */
const SESSION_FACTORIES: ReadonlySet<string> = new Set(['requests.Session', 'requests.session', 'requests.sessions.Session']);
const SESSION_METHODS: ReadonlySet<string> = new Set([...HTTP_VERBS, 'send']);

/** Calls that run a function reference on a worker thread. */
const THREAD_BRIDGES: ReadonlySet<string> = new Set(['asyncio.to_thread']);

const ADVICE: Record<Category, string> = {
  sleep: 'use `await asyncio.sleep(...)`',
  http: 'use `httpx.AsyncClient` (or run it with `await asyncio.to_thread(...)`)',
  file: 'use `aiofiles` (or run it with `await asyncio.to_thread(...)`)',
  process: 'use `asyncio.create_subprocess_exec` / `asyncio.create_subprocess_shell` (or `await asyncio.to_thread(...)`)',
};

interface Blocking {
  category: Category;
  /** How the message names the call. */
  label: string;
}

function sessionCall(facts: PythonFacts, callee: Node, scope: Scope): boolean {
  if (callee.type !== 'attribute') return false;
  const method = callee.childForFieldName('attribute');
  const receiver = callee.childForFieldName('object');
  if (method === null || receiver === null || !SESSION_METHODS.has(method.text)) return false;
  let made: { value: Node; scope: Scope } | undefined = { value: receiver, scope };
  if (receiver.type === 'identifier') made = facts.assignedValue(receiver, scope);
  if (made === undefined || made.value.type !== 'call') return false;
  const factory = facts.qualifiedName(made.value, made.scope);
  return factory !== undefined && SESSION_FACTORIES.has(factory);
}

function classify(facts: PythonFacts, call: Node, scope: Scope): Blocking | undefined {
  const callee = call.childForFieldName('function');
  if (callee === null) return undefined;
  const qualified = facts.qualifiedName(callee, scope);
  if (qualified !== undefined) {
    const category = BLOCKING.get(qualified);
    if (category !== undefined) return { category, label: qualified.startsWith('builtins.') ? qualified.slice(9) : qualified };
  }
  if (sessionCall(facts, callee, scope)) {
    return { category: 'http', label: `requests.Session.${callee.childForFieldName('attribute')?.text ?? ''}` };
  }
  return undefined;
}

/**
 * When `call` is the function position of a thread bridge — the first argument of
 * `asyncio.to_thread(...)` or the second of `loop.run_in_executor(...)` — the bridge's kind.
 */
function bridgeOf(facts: PythonFacts, call: Node, scope: Scope): 'to_thread' | 'executor' | undefined {
  const list = call.parent;
  if (list?.type !== 'argument_list') return undefined;
  const outer = list.parent;
  if (outer?.type !== 'call') return undefined;
  const callee = outer.childForFieldName('function');
  if (callee === null) return undefined;
  const args = list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'run_in_executor') {
    return args[1]?.id === call.id ? 'executor' : undefined;
  }
  const qualified = facts.qualifiedName(callee, scope);
  return qualified !== undefined && THREAD_BRIDGES.has(qualified) && args[0]?.id === call.id ? 'to_thread' : undefined;
}

/** The text between the parentheses of a call's arguments, or the generator argument wrapped. */
function argumentsText(call: Node, text: string): string | undefined {
  const args = call.childForFieldName('arguments');
  if (args === null) return undefined;
  if (args.type === 'generator_expression') return text.slice(args.startIndex, args.endIndex);
  const first = args.firstChild;
  const last = args.lastChild;
  if (first?.type !== '(' || last?.type !== ')' || last.isMissing) return undefined;
  return text.slice(first.endIndex, last.startIndex);
}

function isInsideGenerator(scope: Scope): boolean {
  for (let s: Scope | undefined = scope; s?.kind === 'comprehension'; s = s.parent) {
    if (s.node.type === 'generator_expression') return true;
  }
  return false;
}

/**
 * A call used as a context manager (`with open(p) as f:`, `with httpx.stream(...)`): the blocking
 * work happens in `__enter__`/`__exit__` too, which `to_thread` does not move off the loop.
 */
function isContextManager(call: Node): boolean {
  const parent = call.parent;
  if (parent === null) return false;
  return parent.type === 'with_item' || (parent.type === 'as_pattern' && parent.parent?.type === 'with_item');
}

/** `open(p).read()`: the read that follows blocks as well, so moving `open` alone is no fix. */
function isMethodReceiver(call: Node): boolean {
  return call.parent?.type === 'attribute';
}

function fixesFor(context: PythonCheckContext, facts: PythonFacts, call: Node, scope: Scope, blocking: Blocking): Fix[] {
  const text = context.source.text;
  const callee = call.childForFieldName('function');
  const inner = argumentsText(call, text);
  if (callee === null || inner === undefined || call.hasError) return [];
  const asyncio = asyncioReference(facts, context.source, scope);
  if (asyncio === undefined) return [];

  if (blocking.category === 'sleep') {
    return [
      {
        title: `Replace with \`await ${asyncio.name}.sleep(...)\``,
        // In a generator expression, `await` would turn it into an async generator.
        safety: isInsideGenerator(scope) ? 'unsafe' : 'safe',
        edits: [...asyncio.edits, awaitedReplacement(call, `${asyncio.name}.sleep(${inner})`)],
      },
    ];
  }
  if (isContextManager(call) || (blocking.category === 'file' && isMethodReceiver(call))) return [];
  const calleeText = text.slice(callee.startIndex, callee.endIndex);
  const rest = inner.trim().length === 0 ? '' : `, ${inner.trimStart()}`;
  return [
    {
      title: `Run it in a worker thread with \`await ${asyncio.name}.to_thread(...)\``,
      safety: 'unsafe',
      edits: [...asyncio.edits, awaitedReplacement(call, `${asyncio.name}.to_thread(${calleeText}${rest})`)],
    },
  ];
}

/** `asyncio.to_thread(requests.get(url))`: the call already ran; pass the function instead. */
function bridgeArgumentFix(context: PythonCheckContext, call: Node, bridge: 'to_thread' | 'executor'): Fix[] {
  const text = context.source.text;
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  const inner = argumentsText(call, text);
  if (callee === null || args?.type !== 'argument_list' || inner === undefined || call.hasError) return [];
  // With more arguments after the call, they went to the call's result: no simple rewrite.
  if (call.nextNamedSibling !== null && call.nextNamedSibling.type !== 'comment') return [];
  // `run_in_executor` passes positional arguments only.
  if (bridge === 'executor' && args.namedChildren.some((c) => c?.type === 'keyword_argument' || c?.type === 'dictionary_splat')) return [];
  const rest = inner.trim().length === 0 ? '' : `, ${inner.trim()}`;
  return [
    {
      title: 'Pass the function and its arguments instead of calling it',
      safety: 'unsafe',
      edits: [{ start: call.startIndex, end: call.endIndex, newText: `${text.slice(callee.startIndex, callee.endIndex)}${rest}` }],
    },
  ];
}

const check: PythonCheck = {
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    for (const { node: call, scope } of facts.calls) {
      if (!scope.isAsync) continue;
      const blocking = classify(facts, call, scope);
      if (blocking === undefined) continue;
      const bridge = bridgeOf(facts, call, scope);
      if (bridge !== undefined) {
        context.report({
          start: call.startIndex,
          end: call.endIndex,
          message:
            `\`${blocking.label}(...)\` runs here, on the event loop, before the worker thread starts: ` +
            'pass the function and its arguments, not the result of calling it.',
          fixes: bridgeArgumentFix(context, call, bridge),
        });
        continue;
      }
      context.report({
        start: call.startIndex,
        end: call.endIndex,
        message: `\`${blocking.label}\` blocks the event loop inside an async function; ${ADVICE[blocking.category]}.`,
        fixes: fixesFor(context, facts, call, scope, blocking),
      });
    }
  },
};

export default check;
