import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/missing-timeout';
import { appendArgumentEdit, asyncioReference, moduleReference } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { inLoopOfFunction, namedChildren, withStatementsAround } from '../facts/flow';
import { field, parentOf, typeOf } from '../facts/nodes';
import { hasSplat, type Made, keywordArgument, madeBy, methodCall } from '../facts/objects';
import { isAwaitOperand, mayBeAwaitedOrAsyncWithItem } from '../facts/parents';
import type { Scope } from '../facts/scopes';
import { type Focus, type FocusableCheck, sitesInFocus } from '../incremental';
import type { PythonCheckContext } from '../parsed';

/** How a timeout is added to a call: a keyword argument, or wrapping the await in `asyncio.wait_for`. */
type Remedy = 'keyword' | 'aiohttp-keyword' | 'wait-for';

interface Candidate {
  /** How the message names the call. */
  label: string;
  /** Where a default timeout could have come from, for the message. */
  origin?: string;
  remedy: Remedy;
}

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream'];
const ASYNCPG_QUERIES = new Set(['execute', 'executemany', 'fetch', 'fetchrow', 'fetchval']);

/** Objects whose construction can set a default timeout for their requests: factory → [keyword, methods]. */
const CLIENTS: ReadonlyMap<string, { keyword: string; methods: ReadonlySet<string>; remedy: Remedy }> = new Map([
  ['httpx.AsyncClient', { keyword: 'timeout', methods: new Set(HTTP_VERBS), remedy: 'keyword' as Remedy }],
  ['aiohttp.ClientSession', { keyword: 'timeout', methods: new Set(HTTP_VERBS.filter((v) => v !== 'stream')), remedy: 'aiohttp-keyword' as Remedy }],
  ['asyncpg.connect', { keyword: 'command_timeout', methods: ASYNCPG_QUERIES, remedy: 'keyword' as Remedy }],
  ['asyncpg.create_pool', { keyword: 'command_timeout', methods: ASYNCPG_QUERIES, remedy: 'keyword' as Remedy }],
]);

/** Module functions that connect, with a `timeout=` parameter (or none: then `wait_for`). */
const CONNECTS: ReadonlyMap<string, Remedy> = new Map([
  ['asyncpg.connect', 'keyword'],
  ['asyncpg.create_pool', 'keyword'],
  ['asyncio.open_connection', 'wait-for'],
  ['asyncio.open_unix_connection', 'wait-for'],
]);

/** Waits on asyncio primitives that have no timeout parameter. */
const WAITS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['asyncio.Queue', new Set(['get', 'join'])],
  ['asyncio.LifoQueue', new Set(['get', 'join'])],
  ['asyncio.PriorityQueue', new Set(['get', 'join'])],
  ['asyncio.Event', new Set(['wait'])],
  ['asyncio.Condition', new Set(['wait', 'wait_for'])],
]);

/** Context managers that bound everything awaited inside them. */
const TIMEOUT_SCOPES: ReadonlySet<string> = new Set([
  'asyncio.timeout',
  'asyncio.timeout_at',
  'async_timeout.timeout',
  'async_timeout.timeout_at',
  'anyio.fail_after',
  'anyio.move_on_after',
  'trio.fail_after',
  'trio.move_on_after',
]);

/** The call is awaited (`await call`) or entered (`async with call [as x]`). */
function awaitedHow(facts: PythonFacts, call: Node, focus: Focus | undefined): 'await' | 'async-with' | undefined {
  // A named child of an `await` expression has it for parent: no need to read the parent.
  if (isAwaitOperand(facts, call, focus)) return 'await';
  const parent = parentOf(call);
  if (parent === null) return undefined;
  const parentType = typeOf(parent);
  if (parentType === 'await') return 'await';
  const item = parentType === 'as_pattern' ? parentOf(parent) : parent;
  if (item?.type === 'with_item' && item.parent?.parent?.firstChild?.type === 'async') return 'async-with';
  return undefined;
}

function hasKeyword(call: Node, name: string): boolean {
  return keywordArgument(call, name) !== undefined || hasSplat(call).keyword;
}

/** True inside `async with asyncio.timeout(...)` (or a like scope) in the same function. */
function underTimeoutScope(facts: PythonFacts, node: Node): boolean {
  for (const ancestor of withStatementsAround(facts, node)) {
    const clause = ancestor.namedChildren.find((c) => c?.type === 'with_clause');
    for (const item of clause ? namedChildren(clause) : []) {
      const value = field(item, 'value');
      const made = value?.type === 'as_pattern' ? value.firstNamedChild : value;
      if (made?.type !== 'call') continue;
      const qualified = facts.qualifiedName(made, facts.scopeOf(made));
      if (qualified !== undefined && TIMEOUT_SCOPES.has(qualified)) return true;
    }
  }
  return false;
}


/** The construction of the client/pool behind `made`, following `pool.acquire()` back to the pool. */
function construction(facts: PythonFacts, made: Made): Made | undefined {
  if (made.factory === 'asyncpg.create_pool#acquire' && made.call !== undefined) {
    const receiver = methodCall(made.call)?.receiver;
    return receiver === undefined ? undefined : madeBy(facts, receiver, made.scope);
  }
  return made;
}

function classify(facts: PythonFacts, call: Node, scope: Scope, how: 'await' | 'async-with'): Candidate | undefined {
  const qualified = facts.qualifiedName(call, scope);
  if (qualified !== undefined) {
    const remedy = CONNECTS.get(qualified);
    if (remedy === undefined) return undefined;
    if (remedy === 'keyword' && hasKeyword(call, 'timeout')) return undefined;
    if (remedy === 'wait-for' && how !== 'await') return undefined;
    return { label: qualified, remedy };
  }
  const method = methodCall(call);
  if (method === undefined) return undefined;
  const made = madeBy(facts, method.receiver, scope);
  if (made === undefined || made.fromAnnotation) return undefined;
  const built = construction(facts, made);
  if (built === undefined || built.call === undefined || built.fromAnnotation) return undefined;
  const client = CLIENTS.get(built.factory);
  if (client !== undefined) {
    if (!client.methods.has(method.method)) return undefined;
    if (hasKeyword(built.call, client.keyword)) return undefined;
    if (hasKeyword(call, 'timeout')) return undefined;
    return { label: `${method.receiver.text}.${method.method}`, origin: built.factory, remedy: client.remedy };
  }
  const waits = WAITS.get(built.factory);
  if (waits?.has(method.method) === true && how === 'await' && !inLoopOfFunction(facts, call)) {
    return { label: `${method.receiver.text}.${method.method}`, remedy: 'wait-for' };
  }
  return undefined;
}

function formatSeconds(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? String(value) : '10';
}

function fixFor(context: PythonCheckContext, facts: PythonFacts, call: Node, scope: Scope, candidate: Candidate, how: 'await' | 'async-with'): Fix | undefined {
  if (call.hasError) return undefined;
  const seconds = formatSeconds(context.options.defaultTimeoutSeconds);
  if (candidate.remedy === 'keyword') {
    const edit = appendArgumentEdit(call, `timeout=${seconds}`);
    return edit === undefined ? undefined : { title: `Add \`timeout=${seconds}\``, safety: 'unsafe', edits: [edit] };
  }
  if (candidate.remedy === 'aiohttp-keyword') {
    const aiohttp = moduleReference(facts, context.source, scope, 'aiohttp');
    if (aiohttp === undefined) return undefined;
    const keyword = `timeout=${aiohttp.name}.ClientTimeout(total=${seconds})`;
    const edit = appendArgumentEdit(call, keyword);
    return edit === undefined ? undefined : { title: `Add \`${keyword}\``, safety: 'unsafe', edits: [...aiohttp.edits, edit] };
  }
  if (how !== 'await') return undefined;
  const asyncio = asyncioReference(facts, context.source, scope);
  if (asyncio === undefined) return undefined;
  const text = context.source.text.slice(call.startIndex, call.endIndex);
  return {
    title: `Wrap in \`${asyncio.name}.wait_for(..., timeout=${seconds})\``,
    safety: 'unsafe',
    edits: [...asyncio.edits, { start: call.startIndex, end: call.endIndex, newText: `${asyncio.name}.wait_for(${text}, timeout=${seconds})` }],
  };
}

const check: FocusableCheck = {
  focusable: true,
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    for (const { node: call, scope } of sitesInFocus(facts.calls, context.parsed.focus)) {
      if (!scope.isAsync) continue;
      const how = mayBeAwaitedOrAsyncWithItem(facts, call, context.parsed.focus) ? awaitedHow(facts, call, context.parsed.focus) : undefined;
      if (how === undefined) continue;
      const candidate = classify(facts, call, scope, how);
      if (candidate === undefined || underTimeoutScope(facts, call)) continue;
      const origin = candidate.origin === undefined ? '' : `, none on the \`${candidate.origin}\` it comes from`;
      const fix = fixFor(context, facts, call, scope, candidate, how);
      context.report({
        start: call.startIndex,
        end: call.endIndex,
        message:
          `\`${candidate.label}(...)\` waits with no timeout (none on the call${origin}, no enclosing \`asyncio.timeout()\`): ` +
          'a stalled peer hangs this task forever. Pass an explicit timeout or wrap it in `asyncio.timeout(...)`.',
        fixes: fix === undefined ? [] : [fix],
      });
    }
  },
};

export default check;
