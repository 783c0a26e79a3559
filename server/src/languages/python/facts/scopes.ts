import type { Node } from 'web-tree-sitter';
import type { PythonParsed } from '../parsed';
import { endOf, field, parentOf, rememberType, typeOf } from './nodes';

/**
 * Scope facts for one Python file, built from one search of the tree and cached per parse.
 *
 * Two notions live here and must not be confused:
 *  - the *name scope* (Python's LEGB rules): module, class body, function, lambda, and each
 *    comprehension / generator expression;
 *  - the *async context*: the innermost `def`/`lambda` whose body a node runs in. Comprehensions
 *    are transparent for it (they run as part of the enclosing function); a class body, the module
 *    and any nested plain `def`/`lambda` are not async.
 */

export type ScopeKind = 'module' | 'class' | 'function' | 'lambda' | 'comprehension';

/** How a name got bound in a scope. */
export type Binding =
  | {
      kind: 'import';
      /** The dotted name the binding stands for: `import os.path as p` gives `os.path`. */
      qualified: string;
      node: Node;
    }
  /** `from . import x`, `from .mod import y`: a local module we do not follow. */
  | { kind: 'relative-import'; node: Node }
  | {
      /** A parameter, assignment, def/class name, for/with/except/walrus/match target, ... */
      kind: 'local';
      node: Node;
      /**
       * The value expression when the binding is a plain `name = value` assignment, an annotated
       * assignment with a value, or a `with value as name` item; the expression is evaluated in
       * the scope that holds the binding.
       */
      value?: Node;
      /**
       * For a parameter written with an annotation (`p: T`, `p: T = d`): the `typed_parameter` /
       * `typed_default_parameter` that holds it, and the scope of the function it belongs to.
       */
      typed?: { holder: Node; functionScope: Scope };
    };

export interface Scope {
  readonly kind: ScopeKind;
  /** The node that opens the scope (the `module` for the module scope). */
  readonly node: Node;
  readonly parent: Scope | undefined;
  /**
   * The innermost `function_definition` or `lambda` whose body this scope runs in, looking
   * through comprehensions; undefined for the module and class bodies.
   */
  readonly functionNode: Node | undefined;
  /** True when `functionNode` is an `async def`. */
  readonly isAsync: boolean;
  /** Names bound in this scope, each with every binding seen (in source order). */
  readonly bindings: Map<string, Binding[]>;
  /** Names declared `global` in this scope. */
  readonly globals: Set<string>;
  /** Names declared `nonlocal` in this scope. */
  readonly nonlocals: Set<string>;
  /** True when the scope holds a `from x import *` (every unbound name is then unknown). */
  hasWildcardImport: boolean;
}

/** A call and the name scope its callee and arguments are evaluated in. */
export interface CallSite {
  readonly node: Node;
  readonly scope: Scope;
}

export interface ScopeTable {
  readonly module: Scope;
  /** Every `call` node of the file, in document order. */
  readonly calls: readonly CallSite[];
  /**
   * Every place where a coroutine can be suspended (and so where cancellation is delivered):
   * `await` expressions, `async with` / `async for` statements and `async for` clauses of
   * comprehensions, in document order (by start offset).
   */
  readonly suspensions: readonly CallSite[];
  /** Every `try_statement`, in document order. */
  readonly tryStatements: readonly CallSite[];
  /** Every `with_statement` (plain and `async`), in document order. */
  readonly withStatements: readonly CallSite[];
  /** Scopes by the id of the node that opens them. */
  readonly byNodeId: ReadonlyMap<number, Scope>;
  /** The scope of each node in `calls`, `suspensions`, `tryStatements`, `withStatements`, by node id. */
  readonly siteScopes: ReadonlyMap<number, Scope>;
  /** `def` / `async def` (not lambdas), in document order. */
  readonly functions: readonly Node[];
  /** `except` / `except*` clauses, in document order. */
  readonly exceptClauses: readonly Node[];
  /** Comments, in document order. */
  readonly comments: readonly Node[];
  /** `[start, end)` offset pairs, flattened, of every `for` and `while` statement. */
  readonly loopRanges: readonly number[];
  /** `[start, end)` offset pairs, flattened, of every `def`, `lambda` and `class`. */
  readonly codeRanges: readonly number[];
  /** Scopes already computed by {@link scopeOfNode}, by node key. */
  readonly scopeMemo: Map<number, Scope>;
  /** The parsed text (node offsets index into it). */
  readonly text: string;
  /** True when the tree holds a syntax error somewhere. */
  readonly hasError: boolean;
}

export const COMPREHENSION_TYPES: ReadonlySet<string> = new Set([
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

const PARAMETER_HOLDERS: ReadonlySet<string> = new Set(['default_parameter', 'typed_default_parameter', 'typed_parameter']);

// ---------------------------------------------------------------------------------------------
// Building

interface PendingBinding {
  scope: Scope;
  name: string;
  binding: Binding;
}

function newScope(kind: ScopeKind, node: Node, parent: Scope | undefined, functionNode: Node | undefined, isAsync: boolean): Scope {
  return {
    kind,
    node,
    parent,
    functionNode,
    isAsync,
    bindings: new Map(),
    globals: new Set(),
    nonlocals: new Set(),
    hasWildcardImport: false,
  };
}

function isAsyncDef(node: Node): boolean {
  return node.firstChild?.type === 'async';
}

/**
 * True when `node` (a `def`, `with` or `for`) starts with the `async` keyword. Without syntax
 * errors its first token is `async` exactly when its text starts with it (a node never starts with
 * a comment), which spares reading the first child.
 */
function startsWithAsync(node: Node, text: string, hasError: boolean): boolean {
  return hasError ? isAsyncDef(node) : text.startsWith('async', node.startIndex);
}

/** The dotted text of a `dotted_name` (whitespace and comments around dots dropped). */
function dottedText(node: Node): string {
  if (node.type !== 'dotted_name') return node.text;
  return node.namedChildren
    .filter((c): c is Node => c !== null && c.type === 'identifier')
    .map((c) => c.text)
    .join('.');
}

class Builder {
  readonly pending: PendingBinding[] = [];
  readonly calls: CallSite[] = [];
  readonly suspensions: CallSite[] = [];
  readonly tryStatements: CallSite[] = [];
  readonly withStatements: CallSite[] = [];
  readonly byNodeId = new Map<number, Scope>();
  /** The scope of every recorded site (call, await, try, with) by node id. */
  readonly siteScopes = new Map<number, Scope>();
  readonly functions: Node[] = [];
  readonly exceptClauses: Node[] = [];
  readonly scopeMemo = new Map<number, Scope>();
  readonly loopRanges: number[] = [];
  readonly codeRanges: number[] = [];
  readonly module: Scope;
  /**
   * Whether the scope the search finds for a node may be recorded in {@link scopeMemo} (see
   * {@link SEEDED_SCOPES}): only in a tree without syntax errors, and only while no comprehension
   * was seen whose first `for` clause goes on past its iterable (`for x in a, b`), where the two
   * ways of finding a scope could disagree.
   */
  seedScopes: boolean;

  constructor(
    readonly root: Node,
    /** The parsed text and whether its tree has syntax errors (see {@link startsWithAsync}). */
    readonly text: string,
    readonly hasError: boolean,
  ) {
    this.module = newScope('module', root, undefined, undefined, false);
    this.byNodeId.set(root.id, this.module);
    this.seedScopes = !hasError;
  }

  bind(scope: Scope, name: string, binding: Binding): void {
    this.pending.push({ scope, name, binding });
  }

  /** Binds every name an assignment-like target introduces (`a`, `a, (b, *c)`, `[d]`, ...). */
  bindTargets(scope: Scope, target: Node | null, value?: Node): void {
    if (target === null) return;
    switch (typeOf(target)) {
      case 'identifier':
        this.bind(scope, target.text, value === undefined ? { kind: 'local', node: target } : { kind: 'local', node: target, value });
        // The value runs where the binding is written: remember it for scopeOfNode.
        if (value !== undefined) this.scopeMemo.set(value.id, scope);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list':
      case 'parenthesized_expression':
      case 'list_splat_pattern':
      case 'list_splat':
      case 'as_pattern_target':
        for (const child of target.namedChildren) this.bindTargets(scope, child);
        return;
      default:
        // attribute / subscript targets bind nothing; anything else (errors) is ignored.
        return;
    }
  }

  bindParameters(scope: Scope, parameters: Node | null): void {
    if (parameters === null) return;
    for (const param of parameters.namedChildren) if (param !== null) this.bindParameter(scope, param, undefined);
  }

  /**
   * One parameter: `a`, `*args`, `**kw`, `b=1`, `c: int`, `*args: int`, `d: int = 2`. `typedHolder`
   * is the annotated parameter node `param` is the name of, if any.
   */
  private bindParameter(scope: Scope, param: Node, typedHolder: Node | undefined): void {
    const type = param.type;
    if (type === 'identifier') {
      this.bind(
        scope,
        param.text,
        typedHolder === undefined ? { kind: 'local', node: param } : { kind: 'local', node: param, typed: { holder: typedHolder, functionScope: scope } },
      );
    } else if (type === 'list_splat_pattern' || type === 'dictionary_splat_pattern') {
      const name = param.namedChildren.find((c) => c?.type === 'identifier');
      if (name) this.bind(scope, name.text, { kind: 'local', node: name });
    } else if (PARAMETER_HOLDERS.has(type)) {
      const name = param.childForFieldName('name') ?? param.firstNamedChild;
      if (name !== null && name.id !== param.id) this.bindParameter(scope, name, type === 'default_parameter' ? undefined : param);
    }
  }

  bindImport(scope: Scope, node: Node): void {
    for (const item of node.childrenForFieldName('name')) {
      if (item === null) continue;
      if (item.type === 'dotted_name') {
        // `import a.b.c` binds `a`, which stands for the package `a`.
        const head = item.firstNamedChild;
        if (head !== null) this.bind(scope, head.text, { kind: 'import', qualified: head.text, node: item });
      } else if (item.type === 'aliased_import') {
        const target = item.childForFieldName('name');
        const alias = item.childForFieldName('alias');
        if (target !== null && alias !== null) this.bind(scope, alias.text, { kind: 'import', qualified: dottedText(target), node: item });
      }
    }
  }

  bindImportFrom(scope: Scope, node: Node): void {
    const moduleNode = node.childForFieldName('module_name');
    if (moduleNode === null) return;
    const relative = moduleNode.type === 'relative_import';
    const moduleName = relative ? '' : dottedText(moduleNode);
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      scope.hasWildcardImport = true;
      return;
    }
    for (const item of node.childrenForFieldName('name')) {
      if (item === null) continue;
      let imported: Node | null = item;
      let local: Node | null = item;
      if (item.type === 'aliased_import') {
        imported = item.childForFieldName('name');
        local = item.childForFieldName('alias');
      }
      if (imported === null || local === null) continue;
      const localName = local.type === 'dotted_name' ? dottedText(local) : local.text;
      if (relative) this.bind(scope, localName, { kind: 'relative-import', node: item });
      else this.bind(scope, localName, { kind: 'import', qualified: `${moduleName}.${dottedText(imported)}`, node: item });
    }
  }

  /** Capture names of a `case` pattern (`case Point(x=px) as pt`, `case [a, *rest]`). */
  bindCaptureIfAny(scope: Scope, node: Node): void {
    if (node.type === 'dotted_name') {
      const parent = node.parent;
      if (parent === null || node.namedChildCount !== 1) return;
      const isCapture = typeOf(parent) === 'case_pattern' || (typeOf(parent) === 'keyword_pattern' && parent.firstNamedChild?.id !== node.id);
      if (isCapture && node.text !== '_') this.bind(scope, node.text, { kind: 'local', node });
    } else if (node.type === 'splat_pattern') {
      const name = node.namedChildren.find((c) => c?.type === 'identifier');
      if (name && name.text !== '_') this.bind(scope, name.text, { kind: 'local', node: name });
    }
  }

  /**
   * Records one node of interest (see {@link WANTED}) evaluated in `scope`; returns the scope the
   * node opens, if any.
   */
  enter(node: Node, type: string, scope: Scope): Scope | undefined {
    let inner: Scope | undefined;
    switch (type) {
      case 'function_definition': {
        inner = newScope('function', node, scope, node, startsWithAsync(node, this.text, this.hasError));
        this.byNodeId.set(node.id, inner);
        const name = node.childForFieldName('name');
        if (name !== null) this.bind(scope, name.text, { kind: 'local', node: name });
        this.bindParameters(inner, node.childForFieldName('parameters'));
        this.functions.push(node);
        break;
      }
      case 'lambda':
        inner = newScope('lambda', node, scope, node, false);
        this.byNodeId.set(node.id, inner);
        this.bindParameters(inner, node.childForFieldName('parameters'));
        break;
      case 'class_definition': {
        inner = newScope('class', node, scope, undefined, false);
        this.byNodeId.set(node.id, inner);
        const name = node.childForFieldName('name');
        if (name !== null) this.bind(scope, name.text, { kind: 'local', node: name });
        break;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        inner = newScope('comprehension', node, scope, scope.functionNode, scope.isAsync);
        this.byNodeId.set(node.id, inner);
        break;
      case 'call':
        this.site(this.calls, node, scope);
        break;
      case 'await':
        // The `await` expression, not its keyword token (which has the same type name).
        if (node.isNamed) this.site(this.suspensions, node, scope);
        break;
      case 'try_statement':
        this.site(this.tryStatements, node, scope);
        break;
      case 'with_statement':
        this.site(this.withStatements, node, scope);
        if (startsWithAsync(node, this.text, this.hasError)) this.suspensions.push({ node, scope });
        break;
      case 'assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const rightType = right === null ? undefined : right.type;
        const value = left !== null && typeOf(left) === 'identifier' && right !== null && rightType !== 'assignment' && rightType !== 'yield' ? right : undefined;
        this.bindTargets(scope, left, value);
        break;
      }
      case 'augmented_assignment':
        this.bindTargets(scope, node.childForFieldName('left'));
        break;
      case 'for_statement':
      case 'for_in_clause':
        this.bindTargets(scope, node.childForFieldName('left'));
        if (startsWithAsync(node, this.text, this.hasError)) this.suspensions.push({ node, scope });
        break;
      case 'named_expression': {
        // A walrus inside a comprehension binds in the enclosing non-comprehension scope.
        let target = scope;
        while (target.kind === 'comprehension' && target.parent !== undefined) target = target.parent;
        const name = node.childForFieldName('name');
        if (name !== null) this.bind(target, name.text, { kind: 'local', node: name });
        break;
      }
      case 'as_pattern': {
        const alias = node.childForFieldName('alias');
        if (alias !== null) {
          const value = node.parent?.type === 'with_item' ? (node.firstNamedChild ?? undefined) : undefined;
          const only = alias.namedChildCount === 1 ? alias.firstNamedChild : null;
          if (only?.type === 'identifier' && value !== undefined) this.bindTargets(scope, only, value);
          else this.bindTargets(scope, alias);
        } else {
          // `case <pattern> as name`: the name is the last child.
          const last = node.lastNamedChild;
          if (last?.type === 'identifier') this.bind(scope, last.text, { kind: 'local', node: last });
        }
        break;
      }
      case 'case_pattern':
      case 'keyword_pattern':
        // Capture names: a lone `dotted_name` directly in a case or keyword pattern (the grammar
        // gives these children no field name).
        for (const child of node.namedChildren) if (child?.type === 'dotted_name') this.bindCaptureIfAny(scope, child);
        break;
      case 'splat_pattern':
        this.bindCaptureIfAny(scope, node);
        break;
      case 'import_statement':
        this.bindImport(scope, node);
        break;
      case 'import_from_statement':
        this.bindImportFrom(scope, node);
        break;
      case 'global_statement':
      case 'nonlocal_statement': {
        const set = type === 'global_statement' ? scope.globals : scope.nonlocals;
        for (const name of node.namedChildren) if (name?.type === 'identifier') set.add(name.text);
        break;
      }
      case 'type_alias_statement': {
        const left = node.childForFieldName('left');
        const name = left?.firstNamedChild ?? left;
        if (name?.type === 'identifier') this.bind(scope, name.text, { kind: 'local', node: name });
        break;
      }
      case 'except_clause':
        this.exceptClauses.push(node);
        break;
      default:
        break;
    }
    return inner;
  }

  private site(list: CallSite[], node: Node, scope: Scope): void {
    list.push({ node, scope });
    this.siteScopes.set(node.id, scope);
  }

  /** Places each binding in the scope Python would put it in, honouring global/nonlocal. */
  settle(): void {
    // Names each function-like scope binds itself (for resolving `nonlocal`).
    const own = new Map<Scope, Set<string>>();
    for (const { scope, name } of this.pending) {
      if (scope.globals.has(name) || scope.nonlocals.has(name)) continue;
      let names = own.get(scope);
      if (names === undefined) own.set(scope, (names = new Set()));
      names.add(name);
    }
    for (const { scope, name, binding } of this.pending) {
      let target = scope;
      if (scope.globals.has(name)) target = this.module;
      else if (scope.nonlocals.has(name)) target = nonlocalTarget(scope, name, own) ?? scope;
      let list = target.bindings.get(name);
      if (list === undefined) target.bindings.set(name, (list = []));
      list.push(binding);
    }
  }
}

function nonlocalTarget(scope: Scope, name: string, own: Map<Scope, Set<string>>): Scope | undefined {
  let fallback: Scope | undefined;
  for (let s = scope.parent; s !== undefined && s.kind !== 'module'; s = s.parent) {
    if (s.kind !== 'function' && s.kind !== 'lambda') continue;
    fallback ??= s;
    if (own.get(s)?.has(name) === true) return s;
  }
  return fallback;
}

/** The node types the scope table reads (plus comments, which the pack's structure needs). */
const WANTED: readonly string[] = [
  'function_definition',
  'lambda',
  'class_definition',
  ...COMPREHENSION_TYPES,
  'call',
  'await',
  'try_statement',
  'with_statement',
  'assignment',
  'augmented_assignment',
  'for_statement',
  'while_statement',
  'for_in_clause',
  'named_expression',
  'as_pattern',
  'case_pattern',
  'keyword_pattern',
  'splat_pattern',
  'import_statement',
  'import_from_statement',
  'global_statement',
  'nonlocal_statement',
  'type_alias_statement',
  'except_clause',
  'comment',
];

/**
 * Node kinds whose scope the rules ask for ({@link scopeOfNode}) and the search already knows: it is
 * recorded while building, which spares walking up their parents later. In a tree without syntax
 * errors, the scope found from the ranges of the scope openers around a node is the one
 * {@link findScope} finds from its parents.
 */
const SEEDED_SCOPES: ReadonlySet<string> = new Set(['function_definition', 'class_definition', 'except_clause']);

/** A scope-opening node still open during the search, with the region that runs inside it. */
interface Opener {
  readonly start: number;
  readonly end: number;
  /** The scope the opener itself is evaluated in. */
  readonly outer: Scope;
  readonly inner: Scope;
  /** Nodes starting in [innerStart, innerEnd) run in `inner` (a def, lambda or class body)... */
  readonly innerStart: number;
  readonly innerEnd: number;
  /** ...or, for a comprehension, everything but [skipStart, skipEnd): its first iterable. */
  readonly comprehension: boolean;
  readonly skipStart: number;
  readonly skipEnd: number;
}

function openerOf(builder: Builder, node: Node, type: string, outer: Scope, inner: Scope): Opener {
  const start = node.startIndex;
  const end = endOf(node);
  if (COMPREHENSION_TYPES.has(type)) {
    const first = node.namedChildren.find((c) => c?.type === 'for_in_clause');
    const iterable = first?.childForFieldName('right') ?? null;
    if (builder.seedScopes && (first === undefined || first === null || iterable === null || endOf(first) !== endOf(iterable))) builder.seedScopes = false;
    return {
      start,
      end,
      outer,
      inner,
      innerStart: 0,
      innerEnd: 0,
      comprehension: true,
      skipStart: iterable?.startIndex ?? -1,
      skipEnd: iterable === null ? -1 : endOf(iterable),
    };
  }
  const body = field(node, 'body');
  return {
    start,
    end,
    outer,
    inner,
    innerStart: body?.startIndex ?? -1,
    innerEnd: body?.endIndex ?? -1,
    comprehension: false,
    skipStart: -1,
    skipEnd: -1,
  };
}

function scopeAt(opener: Opener, start: number): Scope {
  if (opener.comprehension) return start >= opener.skipStart && start < opener.skipEnd ? opener.outer : opener.inner;
  return start >= opener.innerStart && start < opener.innerEnd ? opener.inner : opener.outer;
}

/**
 * Builds the scope table with one search inside the parser (WASM) for the node kinds that bind
 * names, open scopes or that rules ask for; a node's scope follows from the source ranges of the
 * scope openers around it (the search returns nodes in document order, parents first). Far
 * cheaper than walking every node of the tree from JavaScript.
 */
function build(parsed: PythonParsed): ScopeTable {
  const hasError = parsed.root.hasError;
  const builder = new Builder(parsed.root, parsed.text, hasError);
  const comments: Node[] = [];
  const open: Opener[] = [];
  for (const node of parsed.root.descendantsOfType(WANTED as string[])) {
    if (node === null) continue;
    const type = node.type;
    rememberType(node, type);
    if (type === 'comment') {
      comments.push(node);
      continue;
    }
    const start = node.startIndex;
    // Close the openers that end before this node (zero-width nodes count as outside).
    while (open.length > 0 && start >= open[open.length - 1].end) open.pop();
    const top = open[open.length - 1];
    const scope = top === undefined ? builder.module : scopeAt(top, start);
    if (builder.seedScopes && SEEDED_SCOPES.has(type) && !builder.scopeMemo.has(node.id)) builder.scopeMemo.set(node.id, scope);
    const inner = builder.enter(node, type, scope);
    if (inner !== undefined) {
      const opener = openerOf(builder, node, type, scope, inner);
      open.push(opener);
      if (!opener.comprehension) builder.codeRanges.push(opener.start, opener.end);
    } else if (type === 'for_statement' || type === 'while_statement') {
      builder.loopRanges.push(start, endOf(node));
    }
  }
  builder.settle();
  return {
    module: builder.module,
    calls: builder.calls,
    suspensions: builder.suspensions,
    tryStatements: builder.tryStatements,
    withStatements: builder.withStatements,
    byNodeId: builder.byNodeId,
    siteScopes: builder.siteScopes,
    functions: builder.functions,
    exceptClauses: builder.exceptClauses,
    comments,
    scopeMemo: builder.scopeMemo,
    text: parsed.text,
    hasError,
    loopRanges: builder.loopRanges,
    codeRanges: builder.codeRanges,
  };
}

const tables = new WeakMap<PythonParsed, ScopeTable>();

/** The scope table of a parsed file, built once and cached. */
export function buildScopeTable(parsed: PythonParsed): ScopeTable {
  let table = tables.get(parsed);
  if (table === undefined) {
    table = build(parsed);
    tables.set(parsed, table);
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// Queries

/** True when `node` is the name of a parameter (it binds inside the function, not around it). */
function isParameterName(node: Node): boolean {
  if (node.type !== 'identifier') return false;
  const parent = node.parent;
  if (parent === null) return false;
  switch (typeOf(parent)) {
    case 'parameters':
    case 'lambda_parameters':
      return true;
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern': {
      const holder = parent.parent?.type;
      return holder === 'parameters' || holder === 'lambda_parameters' || holder === 'typed_parameter';
    }
    default:
      if (!PARAMETER_HOLDERS.has(typeOf(parent))) return false;
      return (parent.childForFieldName('name') ?? parent.firstNamedChild)?.id === node.id;
  }
}

/**
 * The name scope `node` is evaluated in. Parameter defaults and annotations, decorators, base
 * classes and a comprehension's first iterable belong to the surrounding scope, as in Python.
 */
export function scopeOfNode(table: ScopeTable, node: Node): Scope {
  const site = table.siteScopes.get(node.id);
  if (site !== undefined) return site;
  // A node's id is the address of its slot in the tree: unique within one tree.
  const key = node.id;
  let scope = table.scopeMemo.get(key);
  if (scope === undefined) {
    scope = findScope(table, node);
    table.scopeMemo.set(key, scope);
  }
  return scope;
}

function findScope(table: ScopeTable, node: Node): Scope {
  const paramName = isParameterName(node);
  let child = node;
  for (let parent = parentOf(node); parent !== null; child = parent, parent = parentOf(parent)) {
    const scope = table.byNodeId.get(parent.id);
    if (scope === undefined) continue;
    switch (typeOf(parent)) {
      case 'function_definition':
      case 'lambda': {
        if (field(parent, 'body')?.id === child.id) return scope;
        if (paramName && field(parent, 'parameters')?.id === child.id) return scope;
        break;
      }
      case 'class_definition':
        if (field(parent, 'body')?.id === child.id) return scope;
        break;
      case 'module':
        return scope;
      default: {
        // A comprehension: all of it is inside, except the iterable of its first `for` clause.
        const first = parent.namedChildren.find((c) => c?.type === 'for_in_clause');
        const iterable = first?.childForFieldName('right');
        if (first && child.id === first.id && iterable && node.startIndex >= iterable.startIndex) break;
        return scope;
      }
    }
  }
  return table.module;
}
