import type { Node } from 'web-tree-sitter';
import type { PythonFacts } from './facts';
import { field } from './nodes';
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

/** The annotation of a parameter binding (`p: Path`, `p: Path = ...`), if any. */
function parameterAnnotation(binding: Binding): Node | undefined {
  const holder = binding.node.parent;
  if (holder === null || (holder.type !== 'typed_parameter' && holder.type !== 'typed_default_parameter')) return undefined;
  const type = field(holder, 'type');
  return type?.firstNamedChild ?? undefined;
}

/** What a parameter's annotation names, per binding (null: nothing known). */
const annotatedTypes = new WeakMap<Binding, Made | null>();

/** The object `expression` evaluates to, as far as the file shows; see {@link Made}. */
export function madeBy(facts: PythonFacts, expression: Node, scope: Scope, depth = 0): Made | undefined {
  if (depth > 0) return computeMadeBy(facts, expression, scope, depth);
  // Several rules ask about the same receivers: answer each (expression, scope) once per parse.
  let memo = madeMemo.get(facts);
  if (memo === undefined) madeMemo.set(facts, (memo = new Map()));
  const key = expression.id;
  const known = memo.get(key);
  if (known !== undefined && known.scope === scope) return known.made;
  const made = computeMadeBy(facts, expression, scope, 0);
  memo.set(key, { scope, made });
  return made;
}

const madeMemo = new WeakMap<PythonFacts, Map<number, { scope: Scope; made: Made | undefined }>>();

function computeMadeBy(facts: PythonFacts, expression: Node, scope: Scope, depth: number): Made | undefined {
  if (depth > 6) return undefined;
  switch (expression.type) {
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
      if (callee.type !== 'attribute') return undefined;
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
      const resolution = facts.resolve(expression.text, scope);
      if (resolution.kind !== 'local' || resolution.bindings.length !== 1) return undefined;
      const [binding] = resolution.bindings;
      if (binding.kind !== 'local') return undefined;
      if (binding.value !== undefined) return madeBy(facts, binding.value, facts.scopeOf(binding.value), depth + 1);
      // A parameter's annotation: the same answer for every read of the parameter.
      let annotated = annotatedTypes.get(binding);
      if (annotated === undefined) {
        const annotation = parameterAnnotation(binding);
        const qualified = annotation === undefined ? undefined : facts.qualifiedName(annotation, facts.scopeOf(annotation));
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
  if (callee?.type !== 'attribute') return undefined;
  const receiver = field(callee, 'object');
  const method = field(callee, 'attribute');
  if (receiver === null || method === null) return undefined;
  return { receiver, method: method.text };
}

/** The keyword argument `name=` of a call, if written. */
export function keywordArgument(call: Node, name: string): Node | undefined {
  const args = field(call, 'arguments');
  if (args?.type !== 'argument_list') return undefined;
  for (const arg of args.namedChildren) {
    if (arg?.type === 'keyword_argument' && field(arg, 'name')?.text === name) return arg;
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
