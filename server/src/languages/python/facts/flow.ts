import type { Node } from 'web-tree-sitter';
import type { PythonFacts } from './facts';
import { endOf, field, parentOf, typeOf } from './nodes';
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
  const body = field(clause, 'body');
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
        const callee = field(child, 'function');
        if (callee?.type === 'attribute' && field(callee, 'attribute')?.text === name) found.push(child);
      }
      visit(child);
    }
  };
  visit(block);
  return found;
}

/** The `except` / `except*` clause's caught expression (without `as name`), or undefined for a bare `except:`. */
export function caughtExpression(clause: Node): Node | undefined {
  const value = field(clause, 'value');
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
  for (let parent = parentOf(node); parent !== null; parent = parentOf(parent)) {
    if (types.has(typeOf(parent))) return parent;
    if (NESTED_CODE.has(typeOf(parent))) return undefined;
  }
  return undefined;
}

/** Ancestors of `node` up to (not including) the first def, lambda or class around it. */
export function* ancestorsInFunction(node: Node): Generator<Node> {
  for (let parent = parentOf(node); parent !== null; parent = parentOf(parent)) {
    if (NESTED_CODE.has(typeOf(parent))) return;
    yield parent;
  }
}

/**
 * True when `node` sits in a `for` / `while` loop of its own function (a loop around the `def`,
 * `lambda` or class it is in does not count): {@link ancestorsInFunction} by source ranges.
 */
export function inLoopOfFunction(facts: PythonFacts, node: Node): boolean {
  const at = node.startIndex;
  const { loopRanges, codeRanges } = facts.table;
  let innermostCode = -1;
  for (let i = 0; i < codeRanges.length; i += 2) {
    if (codeRanges[i] < at && at < codeRanges[i + 1] && codeRanges[i] > innermostCode) innermostCode = codeRanges[i];
  }
  for (let i = 0; i < loopRanges.length; i += 2) {
    if (loopRanges[i] < at && at < loopRanges[i + 1] && loopRanges[i] > innermostCode) return true;
  }
  return false;
}

/** The `with` statements of a file with their `[start, end)` offsets, in document order. */
const withRanges = new WeakMap<PythonFacts, { node: Node; start: number; end: number }[]>();

/**
 * The `with` / `async with` statements around `node` in its own function: the `with_statement`s
 * among {@link ancestorsInFunction}, found from the scope table's source ranges instead of by
 * reading parents (in document order, outermost first). A node that starts strictly inside a
 * `with` statement is inside it, and it is in the same function when no `def`, `lambda` or class
 * starts between the two. In a tree with syntax errors, the ancestors are read.
 */
export function withStatementsAround(facts: PythonFacts, node: Node): Node[] {
  if (facts.table.hasError) return [...ancestorsInFunction(node)].filter((a) => typeOf(a) === 'with_statement').reverse();
  let ranges = withRanges.get(facts);
  if (ranges === undefined) {
    ranges = facts.withStatements.map(({ node: statement }) => ({ node: statement, start: statement.startIndex, end: endOf(statement) }));
    withRanges.set(facts, ranges);
  }
  const at = node.startIndex;
  const { codeRanges } = facts.table;
  let innermostCode = -1;
  for (let i = 0; i < codeRanges.length; i += 2) {
    if (codeRanges[i] < at && at < codeRanges[i + 1] && codeRanges[i] > innermostCode) innermostCode = codeRanges[i];
  }
  const around: Node[] = [];
  for (const range of ranges) {
    if (range.start >= at) break;
    if (at < range.end && range.start > innermostCode) around.push(range.node);
  }
  return around;
}

/** The scope's enclosing function node when the scope runs in an `async def`. */
export function asyncFunctionOf(scope: Scope): Node | undefined {
  return scope.isAsync ? scope.functionNode : undefined;
}

/** A character that can continue a Python identifier (any non-ASCII one counts, to be safe). */
function isNameChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code > 127;
}

/** Where `name` stands as a whole word in `text` between `start` and `end`. */
function wordOffsets(text: string, name: string, start: number, end: number): number[] {
  const offsets: number[] = [];
  if (name.length === 0) return offsets;
  for (let at = text.indexOf(name, start); at !== -1 && at + name.length <= end; at = text.indexOf(name, at + 1)) {
    if (at > start && isNameChar(text.charCodeAt(at - 1))) continue;
    if (at + name.length < end && isNameChar(text.charCodeAt(at + name.length))) continue;
    offsets.push(at);
  }
  return offsets;
}

/** True when the smallest node over `name` at `offset` is an identifier (not a string or comment). */
function identifierAt(functionNode: Node, offset: number, name: string): boolean {
  const node = functionNode.descendantForIndex(offset, offset + name.length);
  return node !== null && node.startIndex === offset && node.type === 'identifier';
}

/**
 * How many identifiers written anywhere inside a function (nested scopes included) read `name`,
 * for "is this name used again" questions. The text is searched first (an identifier is a whole
 * word of the source); only the words found are checked against the tree.
 */
export function identifierCount(facts: PythonFacts, functionNode: Node, name: string): number {
  let count = 0;
  for (const offset of wordOffsets(facts.parsed.text, name, functionNode.startIndex, functionNode.endIndex)) {
    if (identifierAt(functionNode, offset, name)) count++;
  }
  return count;
}

/** True when some identifier inside a function (nested scopes included) reads `name`. */
export function hasIdentifier(facts: PythonFacts, functionNode: Node, name: string): boolean {
  for (const offset of wordOffsets(facts.parsed.text, name, functionNode.startIndex, functionNode.endIndex)) {
    if (identifierAt(functionNode, offset, name)) return true;
  }
  return false;
}

/** True when `identifier` (inside `functionNode`) is the only identifier there that reads its name. */
export function isOnlyIdentifier(facts: PythonFacts, functionNode: Node, identifier: Node): boolean {
  const name = identifier.text;
  for (const offset of wordOffsets(facts.parsed.text, name, functionNode.startIndex, functionNode.endIndex)) {
    if (offset !== identifier.startIndex && identifierAt(functionNode, offset, name)) return false;
  }
  return true;
}
