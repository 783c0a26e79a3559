import type { Node } from 'web-tree-sitter';
import type { PythonParsed } from '../parsed';
import { assignedValue, qualifiedNameIn, type Resolution, resolveName } from './names';
import { buildScopeTable, type CallSite, type Scope, type ScopeTable, scopeOfNode } from './scopes';

/**
 * Everything the Python rules share about one file: scopes, async context and name resolution.
 * Built once per parse (one search of the tree) and cached, so every rule asks for it freely.
 */
export class PythonFacts {
  private constructor(
    readonly parsed: PythonParsed,
    readonly table: ScopeTable,
  ) {}

  static of(parsed: PythonParsed): PythonFacts {
    let facts = cache.get(parsed);
    if (facts === undefined) {
      facts = new PythonFacts(parsed, buildScopeTable(parsed));
      cache.set(parsed, facts);
    }
    return facts;
  }

  get module(): Scope {
    return this.table.module;
  }

  /** Every call of the file in document order, with the scope it is evaluated in. */
  get calls(): readonly CallSite[] {
    return this.table.calls;
  }

  /** Every `await`, `async with` and `async for` of the file, in document order. */
  get suspensions(): readonly CallSite[] {
    return this.table.suspensions;
  }

  /** Every `try` statement of the file, in document order, with the scope it runs in. */
  get tryStatements(): readonly CallSite[] {
    return this.table.tryStatements;
  }

  /** Every `with` / `async with` statement of the file, in document order. */
  get withStatements(): readonly CallSite[] {
    return this.table.withStatements;
  }

  /** The name scope `node` is evaluated in. */
  scopeOf(node: Node): Scope {
    return scopeOfNode(this.table, node);
  }

  /**
   * The innermost `function_definition` or `lambda` whose body `node` runs in (comprehensions are
   * looked through); undefined at module level and directly in a class body.
   */
  enclosingFunction(node: Node): Node | undefined {
    return this.scopeOf(node).functionNode;
  }

  /** True when `node` runs directly in an `async def` (not in a nested def, lambda or class). */
  isInAsyncFunction(node: Node): boolean {
    return this.scopeOf(node).isAsync;
  }

  resolve(name: string, scope: Scope): Resolution {
    return resolveName(this.table, name, scope);
  }

  /** See {@link qualifiedNameIn}; `scope` defaults to the scope of `node`. */
  qualifiedName(node: Node, scope: Scope = this.scopeOf(node)): string | undefined {
    return qualifiedNameIn(this.table, node, scope);
  }

  /** The single value a local name was assigned, if unambiguous (see {@link assignedValue}). */
  assignedValue(identifier: Node, scope: Scope = this.scopeOf(identifier)): { value: Node; scope: Scope } | undefined {
    return assignedValue(this.table, identifier, scope);
  }
}

const cache = new WeakMap<PythonParsed, PythonFacts>();

/** The cached facts of a parsed Python file. */
export function pythonFacts(parsed: PythonParsed): PythonFacts {
  return PythonFacts.of(parsed);
}
