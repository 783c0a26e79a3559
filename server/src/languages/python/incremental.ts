import type { Edit, Node, Tree } from 'web-tree-sitter';
import { type OffsetShift, shiftReport } from '../../engine/fixes';
import type { Report } from '../../engine/types';
import type { PythonCheck, PythonParsed } from './parsed';

/**
 * Reuse of findings across edits, one top-level function at a time.
 *
 * A `def` / `async def` at module level or in a class body (however nested in classes, never in
 * another function) is a *unit*: its decorators, header and body. When an edit lies inside the body
 * of one unit, the text before and after the unit is unchanged and parses the same (no syntax error
 * outside the unit, before or after; the unit starts at the same offset and ends where it ended,
 * shifted by the edit's length change; the same ancestors), and the body, before and after, holds
 * none of `global`, `nonlocal`, `import`, `yield` (words that let a body change what other code
 * sees: module names, or what the function is), then nothing outside the unit can see the edit:
 * the body's own names are local to it, and the header (name, `async`, decorators, parameters) is
 * unchanged text. A check marked `focusable` reads `parsed.focus` and looks only at the sites that
 * start inside the unit; its findings elsewhere are the previous analysis's, shifted.
 *
 * A focusable check must report each finding at an offset inside the site it looks at, and decide
 * it from the site's own scopes (its function, enclosing classes, the module) and from the file's
 * headers only — never from the code of another function's body. Any doubt: a full run.
 */

/** The part of the file a focused check looks at: sites starting in [start, end), the range of `node`. */
export interface Focus {
  start: number;
  end: number;
  /** The unit's statement (a `def`, or the decorated definition holding it) in the analysed tree. */
  node: Node;
}

/** Where the edited unit was and is. */
interface Plan {
  previous: FileState;
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
  delta: number;
  /** The edited unit's statement in the new tree. */
  node: Node;
}

interface RuleEntry {
  key: string;
  reports: Report[];
}

interface FileState {
  text: string;
  rules: Map<string, RuleEntry>;
}

/** What one analysis of a file carries for the focusable checks. */
export interface IncrementalSession {
  file: FileState;
  plan: Plan | undefined;
}

/** The edited unit as found in the tree before the edit (offsets in the old text). */
export interface OldUnit {
  start: number;
  end: number;
  bodyStart: number;
  bodyEnd: number;
  /** Types and ranges of the unit's ancestors, innermost first. */
  ancestors: [string, number, number][];
}

const files = new Map<string, FileState>();

/**
 * Tests turn reuse off to get a full analysis to compare with: `full` parses as usual (from the
 * kept tree) but reuses no findings; `fresh` also parses from scratch and keeps nothing.
 */
export const incrementalOptions: { mode: 'reuse' | 'full' | 'fresh' } = { mode: 'reuse' };

/** How many focused runs reused findings (for tests and logs). */
export const incrementalStats = { reused: 0, planned: 0, reusedByRule: new Map<string, number>() };

/** A body holding any of these may change what code outside it sees (see the file comment). */
const BODY_EFFECTS = /\b(?:global|nonlocal|import|yield)\b/;

const UNIT_CONTAINERS: ReadonlySet<string> = new Set(['module', 'block', 'class_definition', 'decorated_definition']);

/**
 * The outermost `def` containing [start, end] and the statement it is written as, when every
 * ancestor of it is a module, class, block or decorator holder; undefined otherwise.
 */
function unitAround(tree: Tree, start: number, end: number): { fn: Node; statement: Node; ancestors: Node[] } | undefined {
  const root = tree.rootNode;
  const inner = root.descendantForIndex(start, end);
  if (inner === null) return undefined;
  const chain: Node[] = [];
  for (let node: Node | null = inner; node !== null; node = node.parent) chain.push(node);
  let outermost = -1;
  for (let i = 0; i < chain.length; i++) if (chain[i].type === 'function_definition' || chain[i].type === 'lambda') outermost = i;
  if (outermost < 0 || chain[outermost].type !== 'function_definition') return undefined;
  const fn = chain[outermost];
  let above = outermost + 1;
  const statement = chain[above]?.type === 'decorated_definition' ? chain[above++] : fn;
  const ancestors = chain.slice(above);
  if (ancestors.some((a) => !UNIT_CONTAINERS.has(a.type) || a.isError)) return undefined;
  return { fn, statement, ancestors };
}

/** True when something outside `statement` (a sibling of it or of an ancestor) holds a syntax error. */
function errorsOutside(statement: Node, ancestors: readonly Node[]): boolean {
  let child = statement;
  for (const parent of ancestors) {
    for (const sibling of parent.children) {
      if (sibling === null) return true;
      if (sibling.id !== child.id && (sibling.hasError || sibling.isMissing)) return true;
    }
    child = parent;
  }
  return false;
}

/**
 * Where a function's body region starts: just past the header's `:`. The `block` node starts at
 * its first statement, but what lies between the colon and it (the line break, indentation,
 * comments, a statement typed on a new first line) is the body's too: the header ends at the colon.
 */
function bodyRegionStart(fn: Node, body: Node): number {
  let start = body.startIndex;
  for (const child of fn.children) {
    if (child === null || child.startIndex >= body.startIndex) break;
    if (child.type === ':') start = child.endIndex;
  }
  return start;
}

/**
 * Called with the kept tree before it is edited: the unit whose body holds the whole edit, when
 * the previous analysis's findings could be reused after it (see the file comment).
 */
export function oldUnitFor(fileName: string, oldText: string, oldTree: Tree, edit: Edit): OldUnit | undefined {
  const state = files.get(fileName);
  if (state === undefined || state.text !== oldText || state.rules.size === 0) return undefined;
  const found = unitAround(oldTree, edit.startIndex, Math.max(edit.startIndex, edit.oldEndIndex));
  if (found === undefined) return undefined;
  const body = found.fn.childForFieldName('body');
  if (body === null) return undefined;
  const bodyStart = bodyRegionStart(found.fn, body);
  if (bodyStart > edit.startIndex || edit.oldEndIndex > body.endIndex) return undefined;
  if (errorsOutside(found.statement, found.ancestors)) return undefined;
  if (BODY_EFFECTS.test(oldText.slice(found.statement.startIndex, found.statement.endIndex))) return undefined;
  return {
    start: found.statement.startIndex,
    end: found.statement.endIndex,
    bodyStart,
    bodyEnd: body.endIndex,
    ancestors: found.ancestors.map((a) => [a.type, a.startIndex, a.endIndex]),
  };
}

/** Starts the bookkeeping of one analysis of `fileName`, given the unit `oldUnitFor` found (if any). */
export function beginAnalysis(fileName: string, text: string, tree: Tree, edit: Edit | undefined, old: OldUnit | undefined): IncrementalSession {
  const previous = files.get(fileName);
  let plan: Plan | undefined;
  if (edit !== undefined && old !== undefined && previous !== undefined) plan = planFor(previous, text, tree, edit, old);
  const file: FileState = { text, rules: new Map() };
  files.set(fileName, file);
  if (plan !== undefined) incrementalStats.planned++;
  return { file, plan };
}

function planFor(previous: FileState, text: string, tree: Tree, edit: Edit, old: OldUnit): Plan | undefined {
  const delta = edit.newEndIndex - edit.oldEndIndex;
  const found = unitAround(tree, edit.startIndex, Math.max(edit.startIndex, edit.newEndIndex));
  if (found === undefined) return undefined;
  const { statement, fn, ancestors } = found;
  const body = fn.childForFieldName('body');
  if (body === null || statement.startIndex !== old.start || statement.endIndex !== old.end + delta) return undefined;
  if (bodyRegionStart(fn, body) !== old.bodyStart || body.endIndex !== old.bodyEnd + delta || edit.newEndIndex > body.endIndex) return undefined;
  if (ancestors.length !== old.ancestors.length) return undefined;
  for (let i = 0; i < ancestors.length; i++) {
    const [type, start, end] = old.ancestors[i];
    if (ancestors[i].type !== type || ancestors[i].startIndex !== start || ancestors[i].endIndex !== end + delta) return undefined;
  }
  if (errorsOutside(statement, ancestors)) return undefined;
  if (BODY_EFFECTS.test(text.slice(statement.startIndex, statement.endIndex))) return undefined;
  return { previous, oldStart: old.start, oldEnd: old.end, newStart: statement.startIndex, newEnd: statement.endIndex, delta, node: statement };
}

/** The file was closed or deleted, or other files changed: keep nothing. */
export function forgetIncremental(fileName?: string): void {
  if (fileName === undefined) files.clear();
  else files.delete(fileName);
}

/**
 * The previous findings before the unit, the focused run's, then the previous findings after the
 * unit (shifted): the order a full run reports them in. Undefined when they cannot be combined.
 */
function merge(plan: Plan, old: readonly Report[], fresh: readonly Report[]): Report[] | undefined {
  // Offsets outside the old unit map to the new text; strictly inside it, to nothing.
  const shift: OffsetShift = (offset) => (offset <= plan.oldStart ? offset : offset >= plan.oldEnd ? offset + plan.delta : undefined);
  const before: Report[] = [];
  const after: Report[] = [];
  for (const report of old) {
    if (report.start >= plan.oldStart && report.start < plan.oldEnd) continue;
    const shifted = shiftReport(report, shift);
    if (shifted === undefined) return undefined;
    (report.start < plan.oldStart ? before : after).push(shifted);
  }
  for (const report of fresh) if (report.start < plan.newStart || report.start >= plan.newEnd) return undefined;
  return [...before, ...fresh, ...after];
}

/** A check that, when `parsed.focus` is set, looks only at the sites that start inside it. */
export interface FocusableCheck extends PythonCheck {
  readonly focusable: true;
}

function isFocusable(check: PythonCheck): check is FocusableCheck {
  return (check as Partial<FocusableCheck>).focusable === true;
}

/** `check`, reusing its findings outside an edited unit when it can (see the file comment). */
export function incrementally(check: PythonCheck): PythonCheck {
  if (!isFocusable(check)) return check;
  return {
    rule: check.rule,
    run(context) {
      const parsed: PythonParsed = context.parsed;
      const session = parsed.incremental;
      if (session === undefined) {
        check.run(context);
        return;
      }
      const key = JSON.stringify([context.options, context.project]);
      const plan = session.plan;
      const previous = plan?.previous.rules.get(check.rule.id);
      let reports: Report[] | undefined;
      if (plan !== undefined && previous !== undefined && previous.key === key) {
        const fresh: Report[] = [];
        parsed.focus = { start: plan.newStart, end: plan.newEnd, node: plan.node };
        try {
          check.run({ ...context, report: (report) => fresh.push(report) });
        } finally {
          parsed.focus = undefined;
        }
        reports = merge(plan, previous.reports, fresh);
        if (reports !== undefined) {
          incrementalStats.reused++;
          incrementalStats.reusedByRule.set(check.rule.id, (incrementalStats.reusedByRule.get(check.rule.id) ?? 0) + 1);
        }
      }
      if (reports === undefined) {
        const collected: Report[] = [];
        check.run({ ...context, report: (report) => collected.push(report) });
        reports = collected;
      }
      session.file.rules.set(check.rule.id, { key, reports });
      for (const report of reports) context.report(report);
    },
  };
}

/** The items of `list` (in document order by `startOf`) that start inside `focus`; all without one. */
export function inFocus<T>(list: readonly T[], focus: Focus | undefined, startOf: (item: T) => number): readonly T[] {
  if (focus === undefined) return list;
  const first = lowerBound(list, focus.start, startOf);
  const last = lowerBound(list, focus.end, startOf);
  return list.slice(first, last);
}

function lowerBound<T>(list: readonly T[], offset: number, startOf: (item: T) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (startOf(list[middle]) < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** {@link inFocus} for call sites and other `{ node }` records. */
export function sitesInFocus<T extends { node: Node }>(list: readonly T[], focus: Focus | undefined): readonly T[] {
  return inFocus(list, focus, (site) => site.node.startIndex);
}
