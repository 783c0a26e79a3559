import ts from 'typescript';
import { type OffsetShift, shiftReport } from '../../engine/fixes';
import type { Report } from '../../engine/types';
import { declaredNamesOf } from './facts/bindings';
import { rememberStructure, StructureWalk, type CommentSpan } from './facts/comments';
import type { Focus, TypeScriptCheck, TypeScriptParsed } from './parsed';

/**
 * Reuse of type-aware findings across edits, declaration by declaration.
 *
 * When an edit lies inside the block body of a function whose signature the body cannot change
 * (an explicit return type, or a set accessor) in a TypeScript file, nothing outside that body
 * can see what changed inside it: locals are invisible outside, the function's type is its
 * annotation. Then the type-aware findings outside the body are those of the previous analysis
 * (shifted by the edit's length change), and a check marked `focusable` runs on the body only
 * (`parsed.focus`): the checker is asked about that body's nodes alone.
 *
 * Falls back to a full run whenever that reasoning may not hold: a JavaScript file (assignments
 * to `this` declare members there), a constructor (its assignments type properties), an edit
 * touching a body's braces or anything outside, bodies whose `import`, `export`, `declare`,
 * `namespace` or `module` use changed, a body with a `var` (hoisted to the function, it is
 * visible to the parameters outside the body), a changed set of names assigned in the body
 * (closures elsewhere narrow captured variables by where they are assigned), parse errors outside
 * the body that differ, another first line break (fixes copy its style), any other change to the
 * project (another file, a config), other options.
 *
 * Syntax-only checks (`focusable: 'syntax'`) use the same conditions: outside the body the text
 * and tree are the previous ones, shifted, and name lookups from there never reach the body's
 * declarations. A check whose findings outside also read something a body can hold (a word
 * anywhere in the text, a comment, the set of names declared anywhere) says so
 * (`readsDeclaredNames`, `sameAcrossEdit`), and is reused only when that is the same before and
 * after the edit.
 */

/** A body whose contents cannot change anything outside it. Offsets in its analysis's text. */
interface StableBody {
  /** The function-like's start (the header, unchanged by edits inside the body). */
  fnStart: number;
  kind: ts.SyntaxKind;
  /** The `{` and just past the `}`. */
  start: number;
  end: number;
  /** Where the body's node starts (its leading trivia). */
  pos: number;
}

interface RuleEntry {
  key: string;
  reports: Report[];
}

interface FileState {
  text: string;
  /** The project state when this analysis last used it: anything else changing invalidates reuse. */
  state: number;
  bodies: StableBody[];
  /** Parse errors: start, length and code, three numbers each. */
  parseErrors: number[];
  rules: Map<string, RuleEntry>;
  /** The structure walk's result in parts (see structureOf), once computed. */
  structure?: StructureParts;
}

/** The structure of a file: its comments, and its depth outside the stable bodies and within each. */
interface StructureParts {
  comments: CommentSpan[];
  outsideDepth: number;
  /** Per stable body (in `bodies` order): the depth its node sits at, and the deepest level within it. */
  bodyDepths: { base: number; deepest: number }[];
}

interface Plan {
  previous: FileState;
  /** Whether the edited body declares the same value names before and after (see FocusableCheck). */
  sameDeclarations: boolean;
  /** The edited body (from its `{` to its `}`) before and after the edit. */
  before: EditedBody;
  after: EditedBody;
  /** The edited body, old and new offsets. */
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
  delta: number;
}

/** What one analysis of a file carries for the focusable checks. */
export interface IncrementalSession {
  file: FileState;
  plan: Plan | undefined;
  stateVersion: () => number;
  /** The stable bodies' nodes in this analysis's tree, in `file.bodies` order. */
  bodyNodes: ts.Block[];
}

const files = new Map<string, FileState>();

/** How many focused runs reused findings, and structure walks the previous structure (for tests and logs). */
export const incrementalStats = { reused: 0, structureReused: 0 };

const TYPESCRIPT_FILE = /\.(?:ts|tsx|mts|cts)$/i;

/** Whether `fn`'s type cannot depend on its body. */
function hasStableSignature(fn: ts.Node): fn is ts.FunctionLikeDeclaration & { body: ts.Block } {
  if (!ts.isFunctionLike(fn) || ts.isConstructorDeclaration(fn)) return false;
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (body === undefined || !ts.isBlock(body)) return false;
  if (ts.isSetAccessorDeclaration(fn)) return true;
  return (fn as ts.FunctionLikeDeclaration).type !== undefined;
}

function functionOf(node: ts.Node | undefined): ts.Node | undefined {
  if (node === undefined) return undefined;
  let inner = node;
  while (ts.isParenthesizedExpression(inner) || ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner)) inner = inner.expression;
  return ts.isArrowFunction(inner) || ts.isFunctionExpression(inner) ? inner : undefined;
}

/** The stable bodies of the file's top-level functions, methods and function-valued variables and fields, in order. */
function stableBodies(sourceFile: ts.SourceFile): { bodies: StableBody[]; nodes: ts.Block[] } {
  const out: StableBody[] = [];
  const nodes: ts.Block[] = [];
  const add = (fn: ts.Node | undefined): void => {
    if (fn === undefined || !hasStableSignature(fn)) return;
    out.push({ fnStart: fn.pos, kind: fn.kind, start: fn.body.getStart(sourceFile), end: fn.body.end, pos: fn.body.pos });
    nodes.push(fn.body);
  };
  const statements = (list: readonly ts.Statement[]): void => {
    for (const statement of list) {
      if (ts.isFunctionDeclaration(statement)) add(statement);
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) add(functionOf(declaration.initializer));
      } else if (ts.isClassDeclaration(statement)) {
        for (const member of statement.members) {
          if (ts.isPropertyDeclaration(member)) add(functionOf(member.initializer));
          else add(member);
        }
      } else if (ts.isModuleDeclaration(statement) && statement.body !== undefined && ts.isModuleBlock(statement.body)) {
        statements(statement.body.statements);
      }
    }
  };
  statements(sourceFile.statements);
  return { bodies: out, nodes };
}

function parseErrorsOf(sourceFile: ts.SourceFile): number[] {
  // `parseDiagnostics` is internal to the compiler (stable for years); absent means none.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return diagnostics.flatMap((d) => [d.start, d.length, d.code]);
}

/**
 * What a body's text may do to the rest of the file: undefined when it declares or imports
 * anything beyond itself (then no reuse), else the names it assigns to and the value names it
 * declares. A `var` counts as declaring beyond the body: it is hoisted to the function, whose
 * parameters lie outside the body.
 */
function bodyEffects(text: string): (EditedBody & { assigned: string }) | undefined {
  if (/\b(?:import|export|declare|namespace|module|global|require|var)\b/.test(text)) return undefined;
  const sourceFile = ts.createSourceFile('body.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const assigned = new Set<string>();
  const targets = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) assigned.add(node.text);
    ts.forEachChild(node, targets);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) targets(node.left);
    else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) targets(node.operand);
    else if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && !ts.isVariableDeclarationList(node.initializer)) targets(node.initializer);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { text, tree: sourceFile, assigned: [...assigned].sort().join(','), declared: declaredNamesOf(sourceFile) };
}

/** The file's first line break (what `SourceText.eol` follows). */
function firstLineBreak(text: string): string {
  const at = text.search(/[\r\n]/);
  if (at < 0) return '';
  return text.charCodeAt(at) === 13 ? (text.charCodeAt(at + 1) === 10 ? '\r\n' : '\r') : '\n';
}

function findBody(bodies: readonly StableBody[], offset: number): StableBody | undefined {
  let low = 0;
  let high = bodies.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (bodies[middle].end <= offset) low = middle + 1;
    else high = middle;
  }
  const body = bodies[low];
  return body !== undefined && body.start <= offset ? body : undefined;
}

function planFor(previous: FileState, text: string, bodies: readonly StableBody[], parseErrors: readonly number[]): Plan | undefined {
  const before = previous.text;
  if (before === text) return undefined;
  const shorter = Math.min(before.length, text.length);
  let prefix = 0;
  while (prefix < shorter && before.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const delta = text.length - before.length;
  const old = findBody(previous.bodies, prefix);
  if (old === undefined || prefix <= old.start || before.length - suffix >= old.end) return undefined;
  const fresh = findBody(bodies, prefix);
  if (fresh === undefined || fresh.fnStart !== old.fnStart || fresh.kind !== old.kind || fresh.start !== old.start || fresh.end !== old.end + delta) return undefined;
  if (text.length - suffix >= fresh.end) return undefined;
  // The same parse errors outside the body (shifted), none new or gone.
  const outside = (errors: readonly number[], start: number, end: number, shift: number): string => {
    const kept: number[] = [];
    for (let i = 0; i < errors.length; i += 3) {
      const at = errors[i];
      if (at + errors[i + 1] <= start) kept.push(at, errors[i + 1], errors[i + 2]);
      else if (at >= end) kept.push(at + shift, errors[i + 1], errors[i + 2]);
      else if (at < start || at + errors[i + 1] > end) return 'straddles';
    }
    return kept.join(',');
  };
  const oldErrors = outside(previous.parseErrors, old.start, old.end, delta);
  if (oldErrors === 'straddles' || oldErrors !== outside(parseErrors, fresh.start, fresh.end, 0)) return undefined;
  // Fixes write line breaks in the style of the file's first one, which may lie in the body.
  if (firstLineBreak(before) !== firstLineBreak(text)) return undefined;
  const oldEffects = bodyEffects(before.slice(old.start, old.end));
  const newEffects = bodyEffects(text.slice(fresh.start, fresh.end));
  if (oldEffects === undefined || newEffects === undefined || oldEffects.assigned !== newEffects.assigned) return undefined;
  const sameDeclarations = oldEffects.declared.size === newEffects.declared.size && [...oldEffects.declared].every((name) => newEffects.declared.has(name));
  return { previous, sameDeclarations, before: oldEffects, after: newEffects, oldStart: old.start, oldEnd: old.end, newStart: fresh.start, newEnd: fresh.end, delta };
}

/**
 * Starts the incremental bookkeeping of one analysis. `stateBefore` is the project state before
 * this text was recorded; `stateVersion` reads it now.
 */
export function beginAnalysis(name: string, text: string, sourceFile: ts.SourceFile, stateBefore: number, stateVersion: () => number): IncrementalSession | undefined {
  if (!TYPESCRIPT_FILE.test(name) || name.toLowerCase().endsWith('.d.ts')) return undefined;
  const previous = files.get(name);
  const { bodies, nodes } = stableBodies(sourceFile);
  const parseErrors = parseErrorsOf(sourceFile);
  const plan = previous !== undefined && previous.state === stateBefore ? planFor(previous, text, bodies, parseErrors) : undefined;
  const file: FileState = { text, state: stateVersion(), bodies, parseErrors, rules: new Map() };
  files.set(name, file);
  return { file, plan, stateVersion, bodyNodes: nodes };
}

/**
 * The index of the edited body when the previous analysis's structure can be reused: the same
 * stable bodies before and after the edit (shifted after it), the edited one among them.
 */
function editedBodyIndex(plan: Plan, bodies: readonly StableBody[]): number | undefined {
  const old = plan.previous.bodies;
  if (old.length !== bodies.length || plan.previous.structure?.bodyDepths.length !== old.length) return undefined;
  let edited: number | undefined;
  for (let i = 0; i < bodies.length; i++) {
    const before = old[i];
    const after = bodies[i];
    if (before.kind !== after.kind) return undefined;
    if (before.start === plan.oldStart) {
      if (after.start !== plan.newStart || after.end !== plan.newEnd || after.pos !== before.pos || before.end !== plan.oldEnd) return undefined;
      edited = i;
      continue;
    }
    const shift = before.start < plan.oldStart ? 0 : plan.delta;
    if (after.fnStart !== before.fnStart + shift || after.start !== before.start + shift || after.end !== before.end + shift || after.pos !== before.pos + shift) return undefined;
  }
  return edited;
}

/**
 * The file's comments and depth (what `walkStructure` returns), walking only the edited body when
 * the edit lies inside a stable body: the rest of the tree is the previous one, shifted, so its
 * comments and depths are too (the file comment says why). Otherwise one full walk, the stable
 * bodies walked as subtrees of their own so that the next edit can reuse the rest.
 */
export function structureOf(session: IncrementalSession, sourceFile: ts.SourceFile): { comments: CommentSpan[]; depth: number } {
  const { file, plan, bodyNodes } = session;
  const previous = plan?.previous.structure;
  const edited = plan === undefined ? undefined : editedBodyIndex(plan, file.bodies);
  let parts: StructureParts;
  if (plan !== undefined && previous !== undefined && edited !== undefined) {
    const walk = new StructureWalk(sourceFile);
    const base = previous.bodyDepths[edited].base;
    const deepest = walk.walk(bodyNodes[edited], base);
    const bodyPos = file.bodies[edited].pos;
    const comments: CommentSpan[] = [];
    for (const comment of previous.comments) {
      if (comment.start < bodyPos) comments.push(comment);
      else if (comment.start >= plan.oldEnd) comments.push({ start: comment.start + plan.delta, end: comment.end + plan.delta });
    }
    comments.push(...walk.comments);
    comments.sort((a, b) => a.start - b.start);
    const bodyDepths = previous.bodyDepths.slice();
    bodyDepths[edited] = { base, deepest };
    parts = { comments, outsideDepth: previous.outsideDepth, bodyDepths };
    incrementalStats.structureReused++;
  } else {
    const walk = new StructureWalk(sourceFile, new Set<ts.Node>(bodyNodes));
    const outsideDepth = walk.walk(sourceFile, 0);
    const bodyDepths = bodyNodes.map((node) => {
      const base = walk.deferred.get(node);
      // Every stable body lies in the tree the walk covers; a missing one would be a bug.
      if (base === undefined) throw new Error('a stable body was not reached by the structure walk');
      return { base, deepest: walk.walk(node, base) };
    });
    walk.comments.sort((a, b) => a.start - b.start);
    parts = { comments: walk.comments, outsideDepth, bodyDepths };
  }
  file.structure = parts;
  let depth = parts.outsideDepth;
  for (const { deepest } of parts.bodyDepths) if (deepest > depth) depth = deepest;
  const structure = { comments: parts.comments, depth };
  rememberStructure(sourceFile, structure);
  return structure;
}

/** The file was closed or deleted, or the project changed: keep nothing. */
export function forgetIncremental(name?: string): void {
  if (name === undefined) files.clear();
  else files.delete(name);
}

/** Old findings outside the old body (shifted) and the focused run's; undefined when they cannot be combined. */
function merge(plan: Plan, old: readonly Report[], fresh: readonly Report[], owned: readonly [number, number][]): Report[] | undefined {
  const isOwned = (offset: number): boolean => owned.some(([start, end]) => offset >= start && offset < end);
  // Offsets outside the old body, mapped to the new text; inside it, none.
  const shift: OffsetShift = (offset) => (offset <= plan.oldStart ? offset : offset >= plan.oldEnd ? offset + plan.delta : undefined);
  const out: Report[] = [];
  for (const report of old) {
    if (report.start >= plan.oldStart && report.start < plan.oldEnd) {
      if (report.end > plan.oldEnd) return undefined;
      continue;
    }
    const shifted = shiftReport(report, (offset) => (offset > plan.oldStart && offset < plan.oldEnd ? undefined : shift(offset)));
    if (shifted === undefined) return undefined;
    if (!isOwned(shifted.start)) out.push(shifted);
  }
  for (const report of fresh) {
    const inside = report.start >= plan.newStart && report.start < plan.newEnd && report.end <= plan.newEnd;
    if (!inside && !isOwned(report.start)) return undefined;
    out.push(report);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Whether a check runs on the focus only when asked (see Focus): `true` for a check whose
 * findings may depend on types, `'syntax'` for one that never asks for them (its findings are
 * then reused whether or not types exist, and it never causes types to be built).
 */
export interface FocusableCheck extends TypeScriptCheck {
  readonly focusable: true | 'syntax';
  /**
   * Set when findings outside the edited body read the file's set of declared names (e.g. a fix
   * that picks an unused name): reuse then also needs the body to declare the same names.
   */
  readonly readsDeclaredNames?: true;
  /**
   * Set when findings outside the edited body may depend on more of the body than the reuse
   * conditions cover (a word anywhere in the text, comments): reuse then also needs this to hold
   * of the body before and after the edit.
   */
  readonly sameAcrossEdit?: (before: EditedBody, after: EditedBody) => boolean;
}

/** An edited body as the reuse conditions see it (the text parsed on its own). */
export interface EditedBody {
  /** From the body's `{` to its `}`. */
  readonly text: string;
  /** The text parsed on its own (parents set). */
  readonly tree: ts.SourceFile;
  /** The value names it declares (see FileBindings.declaredNames). */
  readonly declared: ReadonlySet<string>;
}

function isFocusable(check: TypeScriptCheck): check is FocusableCheck {
  const focusable = (check as Partial<FocusableCheck>).focusable;
  return focusable === true || focusable === 'syntax';
}

/** `check`, reusing its findings outside an edited stable body when it can (see the file comment). */
export function incrementally(check: TypeScriptCheck): TypeScriptCheck {
  if (!isFocusable(check)) return check;
  return {
    rule: check.rule,
    run(context) {
      const parsed: TypeScriptParsed = context.parsed;
      const session = parsed.incremental;
      if (session === undefined) {
        check.run(context);
        return;
      }
      const key = JSON.stringify([context.options, context.project]);
      const syntaxOnly = check.focusable === 'syntax';
      // A syntax-only check's findings do not depend on whether types exist: never build them for it.
      const typed = syntaxOnly || parsed.types() !== undefined;
      const plan = session.plan;
      const previous = plan?.previous.rules.get(check.rule.id);
      let reports: Report[] | undefined;
      if (
        plan !== undefined &&
        previous !== undefined &&
        previous.key === key &&
        typed &&
        (check.readsDeclaredNames !== true || plan.sameDeclarations) &&
        (check.sameAcrossEdit === undefined || check.sameAcrossEdit(plan.before, plan.after))
      ) {
        const owned: [number, number][] = [];
        const focus: Focus = { start: plan.newStart, end: plan.newEnd, own: (start, end) => owned.push([start, end]) };
        const fresh: Report[] = [];
        parsed.focus = focus;
        try {
          check.run({ ...context, report: (report) => fresh.push(report) });
        } finally {
          parsed.focus = undefined;
        }
        reports = merge(plan, previous.reports, fresh, owned);
        if (reports !== undefined) incrementalStats.reused++;
      }
      if (reports === undefined) {
        reports = [];
        const collected = reports;
        check.run({ ...context, report: (report) => collected.push(report) });
      }
      if (typed) {
        session.file.rules.set(check.rule.id, { key, reports });
        session.file.state = session.stateVersion();
      }
      for (const report of reports) context.report(report);
    },
  };
}

/** Whether `node` lies inside the focus (or there is none). */
export function inFocus(focus: Focus | undefined, node: ts.Node): boolean {
  return focus === undefined || (node.pos >= focus.start && node.end <= focus.end);
}

/** Whether `node` may contain part of the focus (or there is none). */
export function reachesFocus(focus: Focus | undefined, node: ts.Node): boolean {
  return focus === undefined || (node.end > focus.start && node.pos < focus.end);
}
