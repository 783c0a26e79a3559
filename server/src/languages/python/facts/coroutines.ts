import type { Node } from 'web-tree-sitter';
import type { PythonFacts } from './facts';
import { field, parentOf, textOf, typeOf } from './nodes';
import { bindingScopeOf } from './names';
import { type Made, madeBy, methodCall } from './objects';
import { projectKind, type ProjectKind } from './projectModules';
import type { Binding, Scope } from './scopes';

/**
 * Which calls return a coroutine (or another awaitable that does nothing until awaited), from
 * what one file shows: its own `async def`s (module functions and methods of the same class),
 * asyncio's coroutine functions, and the async APIs of well-known libraries on objects whose
 * construction the file shows; and, when the file's path is known, the `async def`s of the
 * project's other modules that the file imports (read from disk by {@link projectKind}).
 */

/** Module-level coroutine functions (and awaitables that do nothing until awaited). */
const COROUTINE_FUNCTIONS: ReadonlySet<string> = new Set([
  'asyncio.sleep',
  'asyncio.wait',
  'asyncio.wait_for',
  'asyncio.open_connection',
  'asyncio.open_unix_connection',
  'asyncio.start_server',
  'asyncio.start_unix_server',
  'asyncio.create_subprocess_exec',
  'asyncio.create_subprocess_shell',
  'asyncio.to_thread',
  'aiofiles.open',
  'asyncpg.connect',
  'asyncpg.create_pool',
]);

/** Modules all of whose functions are coroutine functions. */
const COROUTINE_MODULES: readonly string[] = ['aiofiles.os.'];

const HTTP_VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'];
const ASYNCPG_QUERIES = ['execute', 'executemany', 'fetch', 'fetchrow', 'fetchval', 'close', 'prepare', 'copy_from_table', 'copy_to_table', 'copy_records_to_table', 'copy_from_query'];
const LOOP_COROUTINES = [
  'sock_recv',
  'sock_recv_into',
  'sock_sendall',
  'sock_connect',
  'sock_accept',
  'sock_sendfile',
  'getaddrinfo',
  'getnameinfo',
  'create_connection',
  'create_server',
  'create_unix_connection',
  'create_unix_server',
  'create_datagram_endpoint',
  'sendfile',
  'start_tls',
  'connect_read_pipe',
  'connect_write_pipe',
  'subprocess_exec',
  'subprocess_shell',
  'shutdown_asyncgens',
  'shutdown_default_executor',
];

/** Coroutine methods by the factory of their object (see {@link Made}). */
const COROUTINE_METHODS: ReadonlyMap<string, ReadonlySet<string>> = new Map<string, ReadonlySet<string>>([
  ['httpx.AsyncClient', new Set([...HTTP_VERBS, 'send', 'aclose'])],
  ['aiohttp.ClientSession', new Set([...HTTP_VERBS, 'ws_connect', 'close'])],
  ['asyncpg.connect', new Set(ASYNCPG_QUERIES)],
  ['asyncpg.create_pool', new Set([...ASYNCPG_QUERIES, 'acquire', 'release', 'expire_connections'])],
  ['asyncpg.create_pool#acquire', new Set(ASYNCPG_QUERIES)],
  ['aiofiles.open', new Set(['read', 'write', 'readline', 'readlines', 'writelines', 'flush', 'close', 'seek', 'tell', 'truncate'])],
  ['asyncio.Queue', new Set(['get', 'put', 'join'])],
  ['asyncio.LifoQueue', new Set(['get', 'put', 'join'])],
  ['asyncio.PriorityQueue', new Set(['get', 'put', 'join'])],
  ['asyncio.Event', new Set(['wait'])],
  ['asyncio.Lock', new Set(['acquire'])],
  ['asyncio.Semaphore', new Set(['acquire'])],
  ['asyncio.BoundedSemaphore', new Set(['acquire'])],
  ['asyncio.Condition', new Set(['acquire', 'wait', 'wait_for'])],
  ['asyncio.create_subprocess_exec', new Set(['wait', 'communicate'])],
  ['asyncio.create_subprocess_shell', new Set(['wait', 'communicate'])],
  ['asyncio.get_running_loop', new Set(LOOP_COROUTINES)],
  ['asyncio.get_event_loop', new Set(LOOP_COROUTINES)],
  ['asyncio.new_event_loop', new Set(LOOP_COROUTINES)],
]);

/** Decorators that leave an `async def` a coroutine function. */
const TRANSPARENT_DECORATORS: ReadonlySet<string> = new Set([
  'staticmethod',
  'classmethod',
  'abc.abstractmethod',
  'typing.override',
  'typing_extensions.override',
  'functools.wraps',
]);

function decoratorsOf(definition: Node): Node[] {
  const parent = definition.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return parent.namedChildren.filter((c): c is Node => c?.type === 'decorator');
}

/** True when `definition` is an `async def` that stays a coroutine function after its decorators. */
export function isPlainAsyncDef(facts: PythonFacts, definition: Node): boolean {
  if (typeOf(definition) !== 'function_definition' || definition.firstChild?.type !== 'async') return false;
  for (const decorator of decoratorsOf(definition)) {
    const expression = decorator.firstNamedChild;
    if (expression === null) return false;
    const target = expression.type === 'call' ? expression.childForFieldName('function') : expression;
    if (target === null) return false;
    const name = facts.qualifiedName(target, facts.scopeOf(decorator));
    const plain = target.type === 'identifier' ? target.text : undefined;
    const known = (name !== undefined && TRANSPARENT_DECORATORS.has(name.startsWith('builtins.') ? name.slice(9) : name)) || (plain !== undefined && TRANSPARENT_DECORATORS.has(plain) && name === undefined && facts.resolve(plain, facts.scopeOf(decorator)).kind === 'unknown');
    if (!known) return false;
  }
  return true;
}

/** The `def` a name bound once by a `def` statement stands for. */
function definitionOf(bindingNode: Node): Node | undefined {
  const parent = parentOf(bindingNode);
  return parent !== null && typeOf(parent) === 'function_definition' && field(parent, 'name')?.id === bindingNode.id ? parent : undefined;
}

/** The class whose method the function running in `scope` is, and that method's first parameter. */
function enclosingMethod(scope: Scope): { classScope: Scope; self: string } | undefined {
  let s: Scope | undefined = scope;
  while (s !== undefined && s.kind === 'comprehension') s = s.parent;
  if (s === undefined || s.kind !== 'function' || s.parent?.kind !== 'class') return undefined;
  const parameters = field(s.node, 'parameters');
  const first = parameters?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const name = first?.type === 'identifier' ? first : (first?.childForFieldName('name') ?? first?.firstNamedChild);
  if (name?.type !== 'identifier') return undefined;
  return { classScope: s.parent, self: name.text };
}

/** A name of another module of the project, as imported: `level` leading dots, then the dotted path. */
export interface ProjectReference {
  level: number;
  dotted: string[];
}

/** The dotted parts of a `dotted_name` node. */
function dottedParts(node: Node): string[] {
  return node.type === 'dotted_name' ? node.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text) : [node.text];
}

/**
 * Answers of `importedBy`, per list of bindings (one list per name and scope): every call through a
 * name asks the same question, and a file that repeats an import 500 times would otherwise read
 * 500 statements (each `.parent` a descent from the root) for each call.
 */
const importedByBindings = new WeakMap<readonly Binding[], ProjectReference | null>();

/** What a name bound only by relative imports (`from .svc import fetch as f`) imports, if they agree. */
function relativeImport(facts: PythonFacts, name: string, from: Scope): ProjectReference | undefined {
  const found = bindingScopeOf(facts.table, name, from);
  if (found === undefined || found === 'wildcard') return undefined;
  let known = importedByBindings.get(found.bindings);
  if (known === undefined) {
    known = importedBy(found.bindings) ?? null;
    importedByBindings.set(found.bindings, known);
  }
  return known ?? undefined;
}

function importedBy(bindings: readonly Binding[]): ProjectReference | undefined {
  let reference: ProjectReference | undefined;
  for (const binding of bindings) {
    if (binding.kind !== 'relative-import') return undefined;
    const statement = binding.node.parent;
    const moduleNode = statement?.childForFieldName('module_name');
    if (statement?.type !== 'import_from_statement' || moduleNode?.type !== 'relative_import') return undefined;
    const imported = binding.node.type === 'aliased_import' ? binding.node.childForFieldName('name') : binding.node;
    if (imported === null) return undefined;
    const text = moduleNode.text.replace(/\s+/g, '');
    const level = /^\.*/.exec(text)?.[0].length ?? 0;
    const module = text.slice(level);
    const next = { level, dotted: [...(module === '' ? [] : module.split('.')), ...dottedParts(imported)] };
    if (reference !== undefined && reference.dotted.join('.') !== next.dotted.join('.')) return undefined;
    reference = next;
  }
  return reference;
}

/**
 * What an identifier or a dotted attribute chain stands for as a name of a project module, through
 * imports (absolute or relative): `svc.fetch` after `from . import svc` is `{ level: 1, dotted:
 * ['svc', 'fetch'] }`. Undefined for locals, builtins and anything else.
 */
export function projectReference(facts: PythonFacts, node: Node, scope: Scope): ProjectReference | undefined {
  if (typeOf(node) === 'identifier') {
    const resolution = facts.resolve(node.text, scope);
    if (resolution.kind === 'import') return { level: 0, dotted: resolution.qualified.split('.') };
    if (resolution.kind === 'unknown') return relativeImport(facts, node.text, scope);
    return undefined;
  }
  if (typeOf(node) === 'attribute') {
    const object = field(node, 'object');
    const attribute = field(node, 'attribute');
    if (object === null || attribute === null) return undefined;
    const head = projectReference(facts, object, scope);
    return head === undefined ? undefined : { level: head.level, dotted: [...head.dotted, attribute.text] };
  }
  return undefined;
}

/** What `reference` is in the project's modules, seen from `fileName`. */
export function projectKindOf(fileName: string | undefined, reference: ProjectReference | undefined): ProjectKind | undefined {
  if (fileName === undefined || reference === undefined) return undefined;
  return projectKind(fileName, reference.level, reference.dotted);
}

/**
 * {@link projectKind}, answered once per parse for each name: every call of a file asks about the
 * same few imported names, and each question costs path work and a `stat` of the module file.
 */
function projectKindIn(facts: PythonFacts, fileName: string, level: number, dotted: readonly string[]): ProjectKind | undefined {
  let memo = projectKinds.get(facts);
  if (memo === undefined) projectKinds.set(facts, (memo = new Map()));
  const key = `${fileName}\0${level}\0${dotted.join('.')}`;
  if (memo.has(key)) return memo.get(key);
  const kind = projectKind(fileName, level, dotted);
  memo.set(key, kind);
  return kind;
}

const projectKinds = new WeakMap<PythonFacts, Map<string, ProjectKind | undefined>>();

/** The project class an object was made from (`c = Client()`, `c: Client`), through any import. */
export function projectClassOf(
  facts: PythonFacts,
  fileName: string | undefined,
  receiver: Node,
  scope: Scope,
  made: Made | undefined = madeBy(facts, receiver, scope),
): ProjectReference | undefined {
  if (fileName === undefined) return undefined;
  let factory: Node | undefined;
  let factoryScope = scope;
  if (made !== undefined) {
    if (made.factory.includes('#')) return undefined;
    const reference = { level: 0, dotted: made.factory.split('.') };
    return projectKindIn(facts, fileName, reference.level, reference.dotted) === 'class' ? reference : undefined;
  }
  if (typeOf(receiver) === 'identifier') {
    const assigned = facts.assignedValue(receiver, scope);
    let value = assigned?.value;
    while (value !== undefined && (value.type === 'await' || value.type === 'parenthesized_expression')) value = value.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? undefined;
    if (value?.type === 'call') {
      factory = field(value, 'function') ?? undefined;
      factoryScope = assigned?.scope ?? scope;
    }
  }
  if (factory === undefined) return undefined;
  const reference = projectReference(facts, factory, factoryScope);
  return reference !== undefined && projectKindIn(facts, fileName, reference.level, reference.dotted) === 'class' ? reference : undefined;
}

export interface CoroutineCall {
  /** How the message names the callee. */
  label: string;
}

/**
 * What the call returns a coroutine from, or undefined when that is not known. With `fileName`
 * (an absolute path), the `async def`s of the project modules the file imports count too.
 */
export function coroutineCall(facts: PythonFacts, call: Node, scope: Scope, fileName?: string): CoroutineCall | undefined {
  const callee = field(call, 'function');
  if (callee === null) return undefined;
  if (typeOf(callee) === 'identifier') {
    const resolution = facts.resolve(textOf(callee), scope);
    if (resolution.kind === 'local') {
      if (resolution.bindings.length !== 1) return undefined;
      const definition = definitionOf(resolution.bindings[0].node);
      if (definition === undefined || !isPlainAsyncDef(facts, definition)) return undefined;
      // A method name seen from its own class body is not how methods are called.
      if (resolution.scope.kind === 'class') return undefined;
      return { label: textOf(callee) };
    }
  }
  const qualified = facts.qualifiedName(callee, scope);
  if (qualified !== undefined) {
    if (COROUTINE_FUNCTIONS.has(qualified) || COROUTINE_MODULES.some((m) => qualified.startsWith(m))) return { label: qualified };
    if (fileName !== undefined && !qualified.startsWith('builtins.') && projectKindIn(facts, fileName, 0, qualified.split('.')) === 'async') return { label: callee.text };
    return undefined;
  }
  if (fileName !== undefined) {
    const reference = projectReference(facts, callee, scope);
    if (reference !== undefined && projectKindIn(facts, fileName, reference.level, reference.dotted) === 'async') return { label: callee.text };
  }
  const method = methodCall(call);
  if (method === undefined) return undefined;
  // `self.method()` of an `async def method` in the same class.
  if (typeOf(method.receiver) === 'identifier') {
    const enclosing = enclosingMethod(scope);
    if (enclosing !== undefined && textOf(method.receiver) === enclosing.self && facts.resolve(enclosing.self, scope).kind === 'local') {
      const bindings = enclosing.classScope.bindings.get(method.method);
      if (bindings?.length === 1) {
        const definition = definitionOf(bindings[0].node);
        if (definition !== undefined && isPlainAsyncDef(facts, definition)) return { label: `${enclosing.self}.${method.method}` };
      }
      return undefined;
    }
  }
  const made: Made | undefined = madeBy(facts, method.receiver, scope);
  const methods = made === undefined ? undefined : COROUTINE_METHODS.get(made.factory);
  if (made !== undefined && methods?.has(method.method) === true) return { label: `${made.factory.replace('#', '().')}().${method.method}` };
  const projectClass = projectClassOf(facts, fileName, method.receiver, scope, made);
  if (projectClass !== undefined && projectKindIn(facts, fileName ?? '', projectClass.level, [...projectClass.dotted, method.method]) === 'async') {
    return { label: `${projectClass.dotted[projectClass.dotted.length - 1]}().${method.method}` };
  }
  return undefined;
}
