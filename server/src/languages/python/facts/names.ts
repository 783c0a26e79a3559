import type { Node } from 'web-tree-sitter';
import { PYTHON_BUILTINS } from './builtins';
import { endOf, field, textOf, typeOf } from './nodes';
import { type Binding, type Scope, type ScopeTable, scopeOfNode } from './scopes';

/** What a name stands for at one place in the file. */
export type Resolution =
  /** Bound by an import (every import of the name in that scope agrees). */
  | { kind: 'import'; qualified: string; scope: Scope; bindings: readonly Binding[] }
  /** Not bound anywhere on the lookup path, and a Python builtin: `builtins.<name>`. */
  | { kind: 'builtin'; qualified: string }
  /** Bound by the code itself: parameter, assignment, def, class, loop target, ... */
  | { kind: 'local'; scope: Scope; bindings: readonly Binding[] }
  /** A relative import, imports that disagree, a `from x import *`, or simply unbound. */
  | { kind: 'unknown' };

const UNKNOWN: Resolution = { kind: 'unknown' };

function classify(bindings: readonly Binding[], scope: Scope): Resolution {
  let qualified: string | undefined;
  for (const binding of bindings) {
    if (binding.kind === 'local') return { kind: 'local', scope, bindings };
  }
  for (const binding of bindings) {
    if (binding.kind !== 'import') return UNKNOWN;
    if (qualified !== undefined && qualified !== binding.qualified) return UNKNOWN;
    qualified = binding.qualified;
  }
  return qualified === undefined ? UNKNOWN : { kind: 'import', qualified, scope, bindings };
}

/**
 * Resolves `name` as Python would when it is read in `from`: the scope itself, then the enclosing
 * function scopes (class bodies are skipped, except when `from` is the class body), the module,
 * and the builtins. A name bound anywhere in a scope is treated as bound in all of it (what Python
 * does for functions; an approximation at module and class level that errs towards "local").
 */
export function resolveName(table: ScopeTable, name: string, from: Scope): Resolution {
  const found = bindingScopeOf(table, name, from);
  if (found === 'wildcard') return UNKNOWN;
  if (found !== undefined) return classify(found.bindings, found.scope);
  return PYTHON_BUILTINS.has(name) ? { kind: 'builtin', qualified: `builtins.${name}` } : UNKNOWN;
}

/**
 * The scope whose bindings decide `name` as seen from `from` (Python's LEGB lookup: `global` and
 * `nonlocal` declarations honoured, enclosing class bodies skipped), with those bindings;
 * `'wildcard'` when a `from x import *` on the way hides the answer; undefined when nothing binds it.
 */
export function bindingScopeOf(table: ScopeTable, name: string, from: Scope): { scope: Scope; bindings: Binding[] } | 'wildcard' | undefined {
  let scope: Scope | undefined = from;
  if (from.globals.has(name)) scope = table.module;
  else if (from.nonlocals.has(name)) scope = from.parent;
  let first = true;
  while (scope !== undefined) {
    if (scope.kind === 'class' && !first) {
      scope = scope.parent;
      continue;
    }
    first = false;
    const bindings = scope.bindings.get(name);
    if (bindings !== undefined && bindings.length > 0) return { scope, bindings };
    if (scope.hasWildcardImport) return 'wildcard';
    scope = scope.parent;
  }
  return undefined;
}

/**
 * The dotted name an expression stands for, through imports and aliases: `t.sleep` after
 * `import time as t` is `time.sleep`, `nap` after `from time import sleep as nap` is `time.sleep`,
 * `open` is `builtins.open` unless something binds `open`. A call stands for its callee.
 * Undefined for anything else (locals, calls in the chain, subscripts, relative imports, ...).
 */
export function qualifiedNameIn(table: ScopeTable, node: Node, scope: Scope): string | undefined {
  // Every rule asks about the same callees: answer each (node, scope) once per parse.
  let memo = qualifiedMemo.get(table);
  if (memo === undefined) qualifiedMemo.set(table, (memo = new Map()));
  const key = node.id;
  const known = memo.get(key);
  if (known !== undefined && known.scope === scope) return known.value;
  const value = computeQualifiedName(table, node, scope);
  memo.set(key, { scope, value });
  return value;
}

const qualifiedMemo = new WeakMap<ScopeTable, Map<number, { scope: Scope; value: string | undefined }>>();

function computeQualifiedName(table: ScopeTable, node: Node, scope: Scope): string | undefined {
  switch (typeOf(node)) {
    case 'call': {
      const callee = field(node, 'function');
      return callee === null ? undefined : qualifiedNameIn(table, callee, scope);
    }
    case 'identifier': {
      const resolution = resolveName(table, textOf(node), scope);
      return resolution.kind === 'import' || resolution.kind === 'builtin' ? resolution.qualified : undefined;
    }
    case 'attribute': {
      const dotted = dottedAttribute(table, node);
      if (dotted !== undefined) {
        const head = resolveName(table, dotted.head, scope);
        return head.kind === 'import' || head.kind === 'builtin' ? `${head.qualified}${dotted.rest}` : undefined;
      }
      const object = field(node, 'object');
      const attribute = field(node, 'attribute');
      if (object === null || attribute === null) return undefined;
      const objectType = typeOf(object);
      if (objectType !== 'identifier' && objectType !== 'attribute') return undefined;
      const head = qualifiedNameIn(table, object, scope);
      return head === undefined ? undefined : `${head}.${textOf(attribute)}`;
    }
    default:
      return undefined;
  }
}

/** `a.b.c` written plainly: ASCII names and dots only (no spaces, comments, calls, subscripts). */
const PLAIN_DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/** Heads a plain dotted text may start with that the grammar does not parse as an identifier. */
const NOT_IDENTIFIERS: ReadonlySet<string> = new Set(['None', 'True', 'False']);

/**
 * An attribute chain `a.b.c` read from the source text in one go, instead of node by node: its
 * head name (`a`) and the rest (`.b.c`). In a tree without syntax errors, an attribute node whose
 * text is plain dotted names is the chain of attributes over an identifier that
 * {@link computeQualifiedName} would walk, with the same names.
 */
function dottedAttribute(table: ScopeTable, node: Node): { head: string; rest: string } | undefined {
  if (table.hasError) return undefined;
  const text = table.text.slice(node.startIndex, endOf(node));
  if (!PLAIN_DOTTED.test(text)) return undefined;
  const dot = text.indexOf('.');
  const head = text.slice(0, dot);
  return NOT_IDENTIFIERS.has(head) ? undefined : { head, rest: text.slice(dot) };
}

/** Same as {@link qualifiedNameIn}, finding the scope of `node` first. */
export function qualifiedName(table: ScopeTable, node: Node): string | undefined {
  return qualifiedNameIn(table, node, scopeOfNode(table, node));
}

/**
 * The value a local name was given, when that is unambiguous: the name has exactly one binding in
 * its scope and it is `name = value`, `name: T = value` or `with value as name`.
 */
export function assignedValue(table: ScopeTable, identifier: Node, scope: Scope): { value: Node; scope: Scope } | undefined {
  if (identifier.type !== 'identifier') return undefined;
  const resolution = resolveName(table, identifier.text, scope);
  if (resolution.kind !== 'local' || resolution.bindings.length !== 1) return undefined;
  const [binding] = resolution.bindings;
  if (binding.kind !== 'local' || binding.value === undefined) return undefined;
  return { value: binding.value, scope: scopeOfNode(table, binding.value) };
}
