import type { Node } from 'web-tree-sitter';
import type { PythonFacts } from './facts';
import type { CallSite, Scope } from './scopes';

/**
 * Syntax-level control-flow helpers shared by the cancellation rules: where a coroutine can be
 * suspended, what a handler catches, whether it re-raises. Everything here is bounded by the size
 * of the node asked about (no whole-file scans), and whole-file lists come from the cached facts.
 */

/** Node types that open a new code scope: statements inside them do not run where they are written. */
const NESTED_CODE: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);

/** The named children of a node, comments left out. */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** The body `block` of a clause (`except_clause`, `finally_clause`, ...): its last named child. */
export function clauseBody(clause: Node): Node | undefined {
  const body = clause.childForFieldName('body');
  if (body !== null) return body;
  const blocks = clause.namedChildren.filter((c): c is Node => c?.type === 'block');
  return blocks.at(-1);
}

/** The statements of a block, comments left out. */
export function statementsOf(block: Node): Node[] {
  return namedChildren(block);
}

/** Index of the first site whose node starts at or after `offset` (sites are in document order). */
function lowerBound(sites: readonly CallSite[], offset: number): number {
  let low = 0;
  let high = sites.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sites[mid].node.startIndex < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * True when code inside `region` can suspend the function that runs `region` (so cancellation can
 * be delivered there): an `await`, `async with` or `async for` of that same function, not one of a
 * nested def or lambda.
 */
export function canSuspendIn(facts: PythonFacts, region: Node, functionNode: Node | undefined): boolean {
  if (functionNode === undefined) return false;
  const sites = facts.suspensions;
  for (let i = lowerBound(sites, region.startIndex); i < sites.length; i++) {
    const site = sites[i];
    if (site.node.startIndex >= region.endIndex) break;
    if (site.scope.functionNode?.id === functionNode.id) return true;
  }
  return false;
}

/** The suspension points (awaits, async with/for) of `functionNode` inside `region`. */
export function suspensionsIn(facts: PythonFacts, region: Node, functionNode: Node | undefined): CallSite[] {
  const found: CallSite[] = [];
  if (functionNode === undefined) return found;
  const sites = facts.suspensions;
  for (let i = lowerBound(sites, region.startIndex); i < sites.length; i++) {
    const site = sites[i];
    if (site.node.startIndex >= region.endIndex) break;
    if (site.scope.functionNode?.id === functionNode.id) found.push(site);
  }
  return found;
}

/**
 * The `raise` statements that run as part of `block` (not those of nested defs, lambdas or
 * classes). A bare `raise` inside a nested `except` clause re-raises *that* clause's exception,
 * not the one `block` handles, so it is left out; `raise name` and `raise X from e` are kept.
 */
export function raisesIn(block: Node): Node[] {
  const found: Node[] = [];
  const visit = (node: Node, inNestedHandler: boolean): void => {
    for (const child of node.namedChildren) {
      if (child === null || NESTED_CODE.has(child.type)) continue;
      if (child.type === 'raise_statement') {
        const bare = child.namedChildCount === 0;
        if (!(bare && inNestedHandler)) found.push(child);
        continue;
      }
      visit(child, inNestedHandler || child.type === 'except_clause' || child.type === 'except_group_clause');
    }
  };
  visit(block, false);
  return found;
}

/** Calls of `.name(...)` that run as part of `block` (not in nested defs, lambdas or classes). */
export function methodCallsIn(block: Node, name: string): Node[] {
  const found: Node[] = [];
  const visit = (node: Node): void => {
    for (const child of node.namedChildren) {
      if (child === null || NESTED_CODE.has(child.type)) continue;
      if (child.type === 'call') {
        const callee = child.childForFieldName('function');
        if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === name) found.push(child);
      }
      visit(child);
    }
  };
  visit(block);
  return found;
}

/** The `except` / `except*` clause's caught expression (without `as name`), or undefined for a bare `except:`. */
export function caughtExpression(clause: Node): Node | undefined {
  const value = clause.childForFieldName('value');
  if (value !== null) {
    if (value.type === 'as_pattern') return value.firstNamedChild ?? undefined;
    return value;
  }
  // Older grammars: the first named child that is not the body (comments left out).
  const first = namedChildren(clause)[0];
  if (first === undefined || first.type === 'block') return undefined;
  return first.type === 'as_pattern' ? (first.firstNamedChild ?? undefined) : first;
}

/** True for `except* ...:` clauses. */
export function isExceptStar(clause: Node): boolean {
  if (clause.type === 'except_group_clause') return true;
  for (const child of clause.children) {
    if (child === null) continue;
    if (child.type === '*') return true;
    if (child.type === ':' || child.type === 'block') break;
  }
  return false;
}

/** The `except` clauses of a try statement, in order. */
export function exceptClauses(tryStatement: Node): Node[] {
  return tryStatement.namedChildren.filter((c): c is Node => c !== null && (c.type === 'except_clause' || c.type === 'except_group_clause'));
}

/** The `finally` clause of a try statement. */
export function finallyClause(tryStatement: Node): Node | undefined {
  return tryStatement.namedChildren.find((c): c is Node => c?.type === 'finally_clause') ?? undefined;
}

/** The leading whitespace of the line that holds `offset`. */
export function indentAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** True when only whitespace precedes `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') return true;
    if (ch !== ' ' && ch !== '\t') return false;
  }
  return true;
}

/**
 * One indentation step for a statement in `block`: the block's indentation minus that of the
 * line that opens it; four spaces when that cannot be told (or a tab when the file indents with tabs).
 */
export function indentUnit(text: string, block: Node): string {
  const inner = indentAt(text, block.startIndex);
  const owner = block.parent;
  const outer = owner === null ? '' : indentAt(text, owner.startIndex);
  if (inner.length > outer.length && inner.startsWith(outer)) return inner.slice(outer.length);
  return inner.includes('\t') ? '\t' : '    ';
}

/** The innermost ancestor of `node` (itself excluded) of one of `types`, stopping at code-scope boundaries. */
export function enclosingInFunction(node: Node, types: ReadonlySet<string>): Node | undefined {
  for (let parent = node.parent; parent !== null; parent = parent.parent) {
    if (types.has(parent.type)) return parent;
    if (NESTED_CODE.has(parent.type)) return undefined;
  }
  return undefined;
}

/** Ancestors of `node` up to (not including) the first def, lambda or class around it. */
export function* ancestorsInFunction(node: Node): Generator<Node> {
  for (let parent = node.parent; parent !== null; parent = parent.parent) {
    if (NESTED_CODE.has(parent.type)) return;
    yield parent;
  }
}

/** The scope's enclosing function node when the scope runs in an `async def`. */
export function asyncFunctionOf(scope: Scope): Node | undefined {
  return scope.isAsync ? scope.functionNode : undefined;
}

/**
 * Counts of the identifiers written anywhere inside a function (nested scopes included), computed
 * once per function node and cached, for "is this name used again" questions.
 */
const identifierCounts = new WeakMap<PythonFacts, Map<number, Map<string, number>>>();

export function identifierCount(facts: PythonFacts, functionNode: Node, name: string): number {
  let perFunction = identifierCounts.get(facts);
  if (perFunction === undefined) identifierCounts.set(facts, (perFunction = new Map()));
  let counts = perFunction.get(functionNode.id);
  if (counts === undefined) {
    counts = new Map();
    const cursor = functionNode.walk();
    let done = false;
    while (!done) {
      if (cursor.nodeType === 'identifier') {
        const text = cursor.nodeText;
        counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || cursor.currentNode.id === functionNode.id) {
          done = true;
          break;
        }
      }
    }
    cursor.delete();
    perFunction.set(functionNode.id, counts);
  }
  return counts.get(name) ?? 0;
}
