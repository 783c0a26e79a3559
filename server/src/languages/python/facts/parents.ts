import type { Node } from 'web-tree-sitter';
import { type Focus, sitesInFocus } from '../incremental';
import type { PythonFacts } from './facts';
import { typeOf } from './nodes';

/**
 * Cheap pre-filters for questions about a call's parent. Reading `node.parent` makes tree-sitter
 * descend from the root to the node (through every top-level statement before it), so rules that
 * ask it of every call of a big file spend most of their time there. Each filter here answers
 * "could the parent be X?" from the source text or the scope table's sites alone: when it says
 * no, the parent is certainly not X; when it says yes, the rule reads the parent as before.
 *
 * The filters rely on the shape of an error-free tree; in a tree with syntax errors (where error
 * recovery can wrap nodes oddly) they always say yes.
 */

interface ParentHints {
  /** True when the tree has a syntax error anywhere: no filtering. */
  hasError: boolean;
  /** The lookups over the whole file. */
  file: Lookups;
  /** The lookups over the last focus asked about (see {@link Focus}), and its node's id. */
  focused: { id: number; lookups: Lookups } | undefined;
}

/** Built on first use, over the whole file or over one focus. */
interface Lookups {
  /** Ids of the last named child (the operand) of every `await` expression. */
  awaitOperands: Set<number> | undefined;
  /** Start offsets of the items of every `async with` statement. */
  asyncWithItemStarts: Set<number> | undefined;
  /** Trees with errors: expression statements by their start, return statements by their children's starts. */
  statementsByStart: Map<number, Node[]> | undefined;
}

const hints = new WeakMap<PythonFacts, ParentHints>();

function hintsOf(facts: PythonFacts): ParentHints {
  let known = hints.get(facts);
  if (known === undefined) {
    known = { hasError: facts.table.hasError, file: emptyLookups(), focused: undefined };
    hints.set(facts, known);
  }
  return known;
}

function emptyLookups(): Lookups {
  return { awaitOperands: undefined, asyncWithItemStarts: undefined, statementsByStart: undefined };
}

/**
 * The lookups for questions about nodes starting inside `focus` (the whole file without one). A
 * focus is a unit of incremental.ts: a statement whose ancestors are only modules, classes, blocks
 * and decorator holders, so the `await`, `async with`, expression or return statement that a node
 * inside it is a child of lies inside it too, and a search of the focus's node finds them all.
 */
function lookupsFor(facts: PythonFacts, focus: Focus | undefined): Lookups {
  const known = hintsOf(facts);
  if (focus === undefined) return known.file;
  if (known.focused?.id !== focus.node.id) known.focused = { id: focus.node.id, lookups: emptyLookups() };
  return known.focused.lookups;
}

/** Whitespace that is not a line break (what may sit between a statement's start and the line's indentation). */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0c || code === 0x0b || (code > 0x7f && /\s/.test(String.fromCharCode(code)) && code !== 0x2028 && code !== 0x2029);
}

function isIdentifierChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code > 0x7f;
}

/**
 * What precedes a node, blanks skipped, as far as the filters below care:
 *  - 'anything': unknown (a tree with errors), anything is possible;
 *  - 'boundary': a statement boundary (the file's start, a line break, `;`, `:`, a line continuation `\`);
 *  - 'return': the word `return`;
 *  - 'equals': an `=` (of an assignment, or of `==`, `<=`, ...: the filters only need a superset);
 *  - 'other': anything else.
 */
type Before = 'anything' | 'boundary' | 'return' | 'equals' | 'other';

function before(facts: PythonFacts, start: number): Before {
  if (hintsOf(facts).hasError) return 'anything';
  const text = facts.parsed.text;
  let i = start - 1;
  while (i >= 0 && isBlank(text.charCodeAt(i))) i--;
  if (i < 0) return 'boundary';
  const code = text.charCodeAt(i);
  // \n, \r, ;, :, \ (continuation), and the line and paragraph separators.
  if (code === 0x0a || code === 0x0d || code === 0x3b || code === 0x3a || code === 0x5c || code === 0x2028 || code === 0x2029) return 'boundary';
  if (code === 0x3d) return 'equals';
  if (i >= 5 && text.startsWith('return', i - 5) && (i < 6 || !isIdentifierChar(text.charCodeAt(i - 6)))) return 'return';
  return 'other';
}

/**
 * False only when the node starting at `start` cannot be the expression of an
 * `expression_statement` (it does not start a statement) nor the value of a `return` (it does
 * not follow the `return` keyword).
 */
export function mayStartStatementOrReturnValue(facts: PythonFacts, start: number): boolean {
  const found = before(facts, start);
  return found === 'anything' || found === 'boundary' || found === 'return';
}

/**
 * False only when the node starting at `start` cannot be the expression of an
 * `expression_statement` nor the right-hand side of an assignment (it follows no `=`).
 */
export function mayStartStatementOrAssignedValue(facts: PythonFacts, start: number): boolean {
  const found = before(facts, start);
  return found === 'anything' || found === 'boundary' || found === 'equals';
}

/**
 * False only when `call` can be neither the operand of an `await` (it is no `await`'s last named
 * child: trailing comments are never inside a node) nor the value of an `async with` item (no such
 * item starts where it starts).
 */
export function mayBeAwaitedOrAsyncWithItem(facts: PythonFacts, call: Node, focus?: Focus): boolean {
  if (hintsOf(facts).hasError) return true;
  const known = suspensionLookups(facts, focus);
  return known.awaitOperands.has(call.id) || known.asyncWithItemStarts.has(call.startIndex);
}

/**
 * True when `node` is known, without reading `.parent`, to be the operand of an `await` (its last
 * named child); false when it is not, or when the tree has syntax errors (callers then read the
 * parent). With `focus`, `node` must start inside it.
 */
export function isAwaitOperand(facts: PythonFacts, node: Node, focus?: Focus): boolean {
  return !hintsOf(facts).hasError && suspensionLookups(facts, focus).awaitOperands.has(node.id);
}

/** The `await` operands and `async with` item starts of the file (or of the focus), found once. */
function suspensionLookups(facts: PythonFacts, focus: Focus | undefined): { awaitOperands: Set<number>; asyncWithItemStarts: Set<number> } {
  const known = lookupsFor(facts, focus);
  if (known.awaitOperands === undefined || known.asyncWithItemStarts === undefined) {
    const awaitOperands = new Set<number>();
    const itemStarts = new Set<number>();
    for (const { node } of sitesInFocus(facts.suspensions, focus)) {
      const type = typeOf(node);
      if (type === 'await') {
        const operand = node.lastNamedChild;
        if (operand !== null) awaitOperands.add(operand.id);
      } else if (type === 'with_statement') {
        for (const clause of node.namedChildren) {
          if (clause === null || typeOf(clause) !== 'with_clause') continue;
          for (const item of clause.namedChildren) if (item !== null) itemStarts.add(item.startIndex);
        }
      }
    }
    known.awaitOperands = awaitOperands;
    known.asyncWithItemStarts = itemStarts;
  }
  return { awaitOperands: known.awaitOperands, asyncWithItemStarts: known.asyncWithItemStarts };
}

/**
 * The `expression_statement` or `return_statement` that `call` is a child of, or null when its
 * parent is neither: what `parentOf(call)` would say for those two kinds, without reading
 * `.parent`. For trees with syntax errors, where the filters above step aside: there, reading the
 * parent of every call made tree-sitter descend from the root each time (seconds on a big, flat,
 * broken file). One search inside the parser finds both statement kinds instead: of the whole
 * file, or with `focus` (which must hold `call`), of the focus's node only.
 */
export function statementHolding(facts: PythonFacts, call: Node, focus?: Focus): Node | null {
  const known = lookupsFor(facts, focus);
  if (known.statementsByStart === undefined) {
    const byStart = new Map<number, Node[]>();
    const add = (start: number, statement: Node): void => {
      const list = byStart.get(start);
      if (list === undefined) byStart.set(start, [statement]);
      else list.push(statement);
    };
    const searched = focus === undefined ? facts.parsed.root : focus.node;
    for (const statement of searched.descendantsOfType(['expression_statement', 'return_statement'])) {
      if (statement === null) continue;
      if (typeOf(statement) === 'expression_statement') add(statement.startIndex, statement);
      else for (const child of statement.namedChildren) if (child !== null) add(child.startIndex, statement);
    }
    known.statementsByStart = byStart;
  }
  for (const statement of known.statementsByStart.get(call.startIndex) ?? []) {
    for (const child of statement.namedChildren) if (child !== null && child.id === call.id) return statement;
  }
  return null;
}
