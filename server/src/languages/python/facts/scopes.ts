import type { Node, TreeCursor } from 'web-tree-sitter';
import type { PythonParsed } from '../parsed';

/**
 * Scope facts for one Python file, built in a single cursor walk and cached per parse.
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

interface Frame {
  readonly type: string;
  /** The scope this node is evaluated in. */
  readonly scope: Scope;
  /** The scope this node opens, for the parts of it that run inside. */
  readonly inner: Scope | undefined;
  /** For a comprehension: whether its first `for_in_clause` was already entered. */
  sawFirstClause: boolean;
  /** For the first `for_in_clause` of a comprehension: where its iterable (`right`) is evaluated. */
  readonly iterableScope: Scope | undefined;
}

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
  readonly module: Scope;

  constructor(readonly root: Node) {
    this.module = newScope('module', root, undefined, undefined, false);
    this.byNodeId.set(root.id, this.module);
  }

  bind(scope: Scope, name: string, binding: Binding): void {
    this.pending.push({ scope, name, binding });
  }

  /** Binds every name an assignment-like target introduces (`a`, `a, (b, *c)`, `[d]`, ...). */
  bindTargets(scope: Scope, target: Node | null, value?: Node): void {
    if (target === null) return;
    switch (target.type) {
      case 'identifier':
        this.bind(scope, target.text, value === undefined ? { kind: 'local', node: target } : { kind: 'local', node: target, value });
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
    for (const param of parameters.namedChildren) if (param !== null) this.bindParameter(scope, param);
  }

  /** One parameter: `a`, `*args`, `**kw`, `b=1`, `c: int`, `*args: int`, `d: int = 2`. */
  private bindParameter(scope: Scope, param: Node): void {
    if (param.type === 'identifier') {
      this.bind(scope, param.text, { kind: 'local', node: param });
    } else if (param.type === 'list_splat_pattern' || param.type === 'dictionary_splat_pattern') {
      const name = param.namedChildren.find((c) => c?.type === 'identifier');
      if (name) this.bind(scope, name.text, { kind: 'local', node: name });
    } else if (PARAMETER_HOLDERS.has(param.type)) {
      const name = param.childForFieldName('name') ?? param.firstNamedChild;
      if (name !== null && name.id !== param.id) this.bindParameter(scope, name);
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
      const isCapture = parent.type === 'case_pattern' || (parent.type === 'keyword_pattern' && parent.firstNamedChild?.id !== node.id);
      if (isCapture && node.text !== '_') this.bind(scope, node.text, { kind: 'local', node });
    } else if (node.type === 'splat_pattern') {
      const name = node.namedChildren.find((c) => c?.type === 'identifier');
      if (name && name.text !== '_') this.bind(scope, name.text, { kind: 'local', node: name });
    }
  }

  /** Called for every node on entry, with the frame of its parent; returns the node's frame. */
  enter(cursor: TreeCursor, parent: Frame): Frame {
    const type = cursor.nodeType;
    let scope = parent.scope;
    let iterableScope: Scope | undefined;
    if (parent.inner !== undefined) {
      if (COMPREHENSION_TYPES.has(parent.type)) {
        scope = parent.inner;
        if (type === 'for_in_clause' && !parent.sawFirstClause) {
          parent.sawFirstClause = true;
          iterableScope = parent.scope;
        }
      } else if (cursor.currentFieldName === 'body') {
        scope = parent.inner;
      }
    }
    if (parent.iterableScope !== undefined && cursor.currentFieldName === 'right') scope = parent.iterableScope;

    let inner: Scope | undefined;
    switch (type) {
      case 'function_definition': {
        const node = cursor.currentNode;
        inner = newScope('function', node, scope, node, isAsyncDef(node));
        this.byNodeId.set(node.id, inner);
        const name = node.childForFieldName('name');
        if (name !== null) this.bind(scope, name.text, { kind: 'local', node: name });
        this.bindParameters(inner, node.childForFieldName('parameters'));
        break;
      }
      case 'lambda': {
        const node = cursor.currentNode;
        inner = newScope('lambda', node, scope, node, false);
        this.byNodeId.set(node.id, inner);
        this.bindParameters(inner, node.childForFieldName('parameters'));
        break;
      }
      case 'class_definition': {
        const node = cursor.currentNode;
        inner = newScope('class', node, scope, undefined, false);
        this.byNodeId.set(node.id, inner);
        const name = node.childForFieldName('name');
        if (name !== null) this.bind(scope, name.text, { kind: 'local', node: name });
        break;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression': {
        const node = cursor.currentNode;
        inner = newScope('comprehension', node, scope, scope.functionNode, scope.isAsync);
        this.byNodeId.set(node.id, inner);
        break;
      }
      case 'call':
        this.calls.push({ node: cursor.currentNode, scope });
        break;
      case 'await':
        // The `await` expression, not its keyword token (which has the same type name).
        if (cursor.nodeIsNamed) this.suspensions.push({ node: cursor.currentNode, scope });
        break;
      case 'try_statement':
        this.tryStatements.push({ node: cursor.currentNode, scope });
        break;
      case 'with_statement': {
        const node = cursor.currentNode;
        this.withStatements.push({ node, scope });
        if (node.firstChild?.type === 'async') this.suspensions.push({ node, scope });
        break;
      }
      case 'assignment': {
        const node = cursor.currentNode;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const value = left?.type === 'identifier' && right !== null && right.type !== 'assignment' && right.type !== 'yield' ? right : undefined;
        this.bindTargets(scope, left, value);
        break;
      }
      case 'augmented_assignment':
        this.bindTargets(scope, cursor.currentNode.childForFieldName('left'));
        break;
      case 'for_statement':
      case 'for_in_clause': {
        const node = cursor.currentNode;
        this.bindTargets(scope, node.childForFieldName('left'));
        if (node.firstChild?.type === 'async') this.suspensions.push({ node, scope });
        break;
      }
      case 'named_expression': {
        // A walrus inside a comprehension binds in the enclosing non-comprehension scope.
        let target = scope;
        while (target.kind === 'comprehension' && target.parent !== undefined) target = target.parent;
        const name = cursor.currentNode.childForFieldName('name');
        if (name !== null) this.bind(target, name.text, { kind: 'local', node: name });
        break;
      }
      case 'as_pattern': {
        const node = cursor.currentNode;
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
      case 'dotted_name':
      case 'splat_pattern':
        if (cursor.currentFieldName === null) {
          const parentType = parent.type;
          if (parentType === 'case_pattern' || parentType === 'keyword_pattern' || type === 'splat_pattern') {
            this.bindCaptureIfAny(scope, cursor.currentNode);
          }
        }
        break;
      case 'import_statement':
        this.bindImport(scope, cursor.currentNode);
        break;
      case 'import_from_statement':
        this.bindImportFrom(scope, cursor.currentNode);
        break;
      case 'global_statement':
      case 'nonlocal_statement': {
        const set = type === 'global_statement' ? scope.globals : scope.nonlocals;
        for (const name of cursor.currentNode.namedChildren) if (name?.type === 'identifier') set.add(name.text);
        break;
      }
      case 'type_alias_statement': {
        const left = cursor.currentNode.childForFieldName('left');
        const name = left?.firstNamedChild ?? left;
        if (name?.type === 'identifier') this.bind(scope, name.text, { kind: 'local', node: name });
        break;
      }
      default:
        break;
    }
    return { type, scope, inner, sawFirstClause: false, iterableScope };
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

export function buildScopeTable(parsed: PythonParsed): ScopeTable {
  const builder = new Builder(parsed.root);
  const cursor = parsed.root.walk();
  const frames: Frame[] = [{ type: 'module', scope: builder.module, inner: undefined, sawFirstClause: false, iterableScope: undefined }];
  let depth = 0;
  try {
    for (;;) {
      if (cursor.gotoFirstChild()) {
        depth++;
        frames[depth] = builder.enter(cursor, frames[depth - 1]);
        continue;
      }
      let moved = false;
      while (depth > 0) {
        if (cursor.gotoNextSibling()) {
          frames[depth] = builder.enter(cursor, frames[depth - 1]);
          moved = true;
          break;
        }
        cursor.gotoParent();
        depth--;
      }
      if (!moved) break;
    }
  } finally {
    cursor.delete();
  }
  builder.settle();
  return {
    module: builder.module,
    calls: builder.calls,
    suspensions: builder.suspensions,
    tryStatements: builder.tryStatements,
    withStatements: builder.withStatements,
    byNodeId: builder.byNodeId,
  };
}

// ---------------------------------------------------------------------------------------------
// Queries

/** True when `node` is the name of a parameter (it binds inside the function, not around it). */
function isParameterName(node: Node): boolean {
  if (node.type !== 'identifier') return false;
  const parent = node.parent;
  if (parent === null) return false;
  switch (parent.type) {
    case 'parameters':
    case 'lambda_parameters':
      return true;
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern': {
      const holder = parent.parent?.type;
      return holder === 'parameters' || holder === 'lambda_parameters' || holder === 'typed_parameter';
    }
    default:
      if (!PARAMETER_HOLDERS.has(parent.type)) return false;
      return (parent.childForFieldName('name') ?? parent.firstNamedChild)?.id === node.id;
  }
}

/**
 * The name scope `node` is evaluated in. Parameter defaults and annotations, decorators, base
 * classes and a comprehension's first iterable belong to the surrounding scope, as in Python.
 */
export function scopeOfNode(table: ScopeTable, node: Node): Scope {
  const paramName = isParameterName(node);
  let child = node;
  for (let parent = node.parent; parent !== null; child = parent, parent = parent.parent) {
    const scope = table.byNodeId.get(parent.id);
    if (scope === undefined) continue;
    switch (parent.type) {
      case 'function_definition':
      case 'lambda': {
        if (parent.childForFieldName('body')?.id === child.id) return scope;
        if (paramName && parent.childForFieldName('parameters')?.id === child.id) return scope;
        break;
      }
      case 'class_definition':
        if (parent.childForFieldName('body')?.id === child.id) return scope;
        break;
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
