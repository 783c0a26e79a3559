import type { Node } from 'web-tree-sitter';
import type { PythonFacts } from './facts';
import { field, parentOf, textOf, typeOf } from './nodes';
import type { Binding, Scope } from './scopes';

/**
 * What made an object: "receiver tracking" shared by the rules that care about the kind of an
 * object (a `requests.Session`, an `httpx.AsyncClient`, a `pathlib.Path`, an asyncio queue, ...).
 *
 * Only what the file itself shows is used: a call of a known factory, a local name assigned once
 * from such a call (`x = F(...)`, `x = await F(...)`, `with F(...) as x`), or a parameter
 * annotated with the class (`p: Path`). Attributes (`self.client`) and names assigned more than
 * once are unknown, which keeps every rule built on this on the quiet side.
 */
export interface Made {
  /**
   * The qualified name of the factory (`httpx.AsyncClient`, `pathlib.Path`), or, for an object
   * returned by a method of a known object, `<factory>#<method>` (`asyncpg.create_pool#acquire`).
   */
  factory: string;
  /** The call that made it, when the file shows one (not for annotated parameters). */
  call: Node | undefined;
  scope: Scope;
  /** The object came from an annotated parameter: its construction is not visible here. */
  fromAnnotation: boolean;
}

const PATH_CLASSES: ReadonlySet<string> = new Set([
  'pathlib.Path',
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
  'pathlib.Path.home',
  'pathlib.Path.cwd',
]);

/** Methods and properties of a `Path` that give another `Path`. */
const PATH_DERIVED: ReadonlySet<string> = new Set([
  'absolute',
  'expanduser',
  'joinpath',
  'parent',
  'resolve',
  'with_name',
  'with_stem',
  'with_suffix',
]);

/** True when `made` is a concrete `pathlib.Path` (one that can do I/O). */
export function isPath(made: Made | undefined): boolean {
  return made !== undefined && PATH_CLASSES.has(made.factory);
}

function pathMade(from: Made): Made {
  return { ...from, factory: 'pathlib.Path' };
}

/** The annotation of a parameter binding (`p: Path`, `p: Path = ...`), if any, and the scope it is evaluated in. */
function parameterAnnotation(facts: PythonFacts, binding: Binding): { annotation: Node; scope: Scope } | undefined {
  // Without syntax errors, the scope table saw every annotated parameter when it bound it.
  if (!facts.table.hasError) {
    const typed = binding.kind === 'local' ? binding.typed : undefined;
    if (typed === undefined) return undefined;
    const annotation = field(typed.holder, 'type')?.firstNamedChild ?? undefined;
    if (annotation === undefined) return undefined;
    return { annotation, scope: (typed.functionScope.kind === 'function' ? typed.functionScope.parent : undefined) ?? facts.scopeOf(annotation) };
  }
  const holder = parentOf(binding.node);
  if (holder === null) return undefined;
  const holderType = typeOf(holder);
  if (holderType !== 'typed_parameter' && holderType !== 'typed_default_parameter') return undefined;
  const annotation = field(holder, 'type')?.firstNamedChild ?? undefined;
  if (annotation === undefined) return undefined;
  return { annotation, scope: definitionScope(facts, holder) ?? facts.scopeOf(annotation) };
}

/**
 * The scope a `def`'s parameter annotations are evaluated in, found from the scope table without
 * walking up from the annotation: the scope the `def` itself is in (its own scope's parent). Only
 * for a `def` in a tree without syntax errors (a `def` is a statement, so the table's ranges place
 * it exactly); undefined otherwise.
 */
function definitionScope(facts: PythonFacts, holder: Node): Scope | undefined {
  if (facts.table.hasError) return undefined;
  const parameters = parentOf(holder);
  const definition = parameters === null ? null : parentOf(parameters);
  if (parameters === null || definition === null || typeOf(parameters) !== 'parameters' || typeOf(definition) !== 'function_definition') return undefined;
  return facts.table.byNodeId.get(definition.id)?.parent;
}

/** What a parameter's annotation names, per binding (null: nothing known). */
const annotatedTypes = new WeakMap<Binding, Made | null>();

/** How deep {@link madeBy} follows expressions (values of names, receivers, operands). */
const MAX_DEPTH = 6;

/** The object `expression` evaluates to, as far as the file shows; see {@link Made}. */
export function madeBy(facts: PythonFacts, expression: Node, scope: Scope, depth = 0): Made | undefined {
  // Several rules ask about the same receivers, and the values of names are followed again for
  // every read: answer each (expression, scope) once per parse. An answer found at one depth holds
  // at another when the search under it stayed within MAX_DEPTH from there too.
  let memo = madeMemo.get(facts);
  if (memo === undefined) madeMemo.set(facts, (memo = new Map()));
  const key = expression.id;
  const known = memo.get(key);
  if (known !== undefined && known.scope === scope && (known.depth === depth || depth + known.height <= MAX_DEPTH)) {
    if (depth + known.height > deepest) deepest = depth + known.height;
    return known.made;
  }
  const outer = deepest;
  deepest = depth;
  const made = computeMadeBy(facts, expression, scope, depth);
  memo.set(key, { scope, made, depth, height: deepest - depth });
  if (outer > deepest) deepest = outer;
  return made;
}

/** The deepest depth the {@link madeBy} search in progress has reached. */
let deepest = 0;

const madeMemo = new WeakMap<PythonFacts, Map<number, { scope: Scope; made: Made | undefined; depth: number; height: number }>>();

function computeMadeBy(facts: PythonFacts, expression: Node, scope: Scope, depth: number): Made | undefined {
  if (depth > deepest) deepest = depth;
  if (depth > MAX_DEPTH) return undefined;
  switch (typeOf(expression)) {
    case 'await':
    case 'parenthesized_expression': {
      const inner = expression.namedChildren.find((c) => c !== null && c.type !== 'comment');
      return inner ? madeBy(facts, inner, scope, depth + 1) : undefined;
    }
    case 'call': {
      const callee = field(expression, 'function');
      if (callee === null) return undefined;
      const qualified = facts.qualifiedName(callee, scope);
      if (qualified !== undefined) return { factory: qualified, call: expression, scope, fromAnnotation: false };
      if (typeOf(callee) !== 'attribute') return undefined;
      const object = field(callee, 'object');
      const method = field(callee, 'attribute')?.text;
      if (object === null || method === undefined) return undefined;
      const receiver = madeBy(facts, object, scope, depth + 1);
      if (receiver === undefined) return undefined;
      if (isPath(receiver)) return PATH_DERIVED.has(method) ? pathMade(receiver) : undefined;
      return { factory: `${receiver.factory}#${method}`, call: expression, scope, fromAnnotation: receiver.fromAnnotation };
    }
    case 'binary_operator': {
      // `base / "name"` keeps a Path a Path.
      const operator = field(expression, 'operator')?.type;
      const left = field(expression, 'left');
      if (operator !== '/' || left === null) return undefined;
      const base = madeBy(facts, left, scope, depth + 1);
      return isPath(base) && base !== undefined ? pathMade(base) : undefined;
    }
    case 'attribute': {
      const object = field(expression, 'object');
      const name = field(expression, 'attribute')?.text;
      if (object === null || name !== 'parent') return undefined;
      const base = madeBy(facts, object, scope, depth + 1);
      return isPath(base) && base !== undefined ? pathMade(base) : undefined;
    }
    case 'identifier': {
      const resolution = facts.resolve(textOf(expression), scope);
      if (resolution.kind !== 'local' || resolution.bindings.length !== 1) return undefined;
      const [binding] = resolution.bindings;
      if (binding.kind !== 'local') return undefined;
      if (binding.value !== undefined) return madeBy(facts, binding.value, facts.scopeOf(binding.value), depth + 1);
      // A parameter's annotation: the same answer for every read of the parameter.
      let annotated = annotatedTypes.get(binding);
      if (annotated === undefined) {
        const found = parameterAnnotation(facts, binding);
        const qualified = found === undefined ? undefined : facts.qualifiedName(found.annotation, found.scope);
        annotated = qualified === undefined ? null : { factory: qualified, call: undefined, scope: resolution.scope, fromAnnotation: true };
        annotatedTypes.set(binding, annotated);
      }
      return annotated ?? undefined;
    }
    default:
      return undefined;
  }
}

/** The receiver and method name of a method call `receiver.method(...)`. */
export function methodCall(call: Node): { receiver: Node; method: string } | undefined {
  const callee = field(call, 'function');
  if (callee === null || typeOf(callee) !== 'attribute') return undefined;
  const receiver = field(callee, 'object');
  const method = field(callee, 'attribute');
  if (receiver === null || method === null) return undefined;
  return { receiver, method: textOf(method) };
}

/** The keyword argument `name=` of a call, if written. */
export function keywordArgument(call: Node, name: string): Node | undefined {
  const args = field(call, 'arguments');
  if (args?.type !== 'argument_list') return undefined;
  for (const arg of args.namedChildren) {
    if (arg === null || typeOf(arg) !== 'keyword_argument') continue;
    const key = field(arg, 'name');
    if (key !== null && textOf(key) === name) return arg;
  }
  return undefined;
}

/** The positional arguments of a call (no keywords, no `*`/`**` splats, no comments). */
export function positionalArguments(call: Node): Node[] {
  const args = field(call, 'arguments');
  if (args === null) return [];
  if (args.type === 'generator_expression') return [args];
  return args.namedChildren.filter(
    (c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument' && c.type !== 'list_splat' && c.type !== 'dictionary_splat',
  );
}

/** True when a call passes `**kwargs` (which may hold any keyword) or `*args`. */
export function hasSplat(call: Node): { positional: boolean; keyword: boolean } {
  const args = field(call, 'arguments');
  let positional = false;
  let keyword = false;
  for (const arg of args?.namedChildren ?? []) {
    if (arg?.type === 'list_splat') positional = true;
    if (arg?.type === 'dictionary_splat') keyword = true;
  }
  return { positional, keyword };
}
