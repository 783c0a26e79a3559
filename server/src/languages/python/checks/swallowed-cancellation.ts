import type { Node } from 'web-tree-sitter';
import type { Fix, TextEdit } from '../../../engine/types';
import rule from '../../../rules/swallowed-cancellation';
import {
  type CancellationCatch,
  clauseCatchesCancellation,
  earlierClauseCatches,
  importsTrio,
  isAwaitOfCancelled,
  suppressCatchesCancellation,
} from '../facts/cancellation';
import { asyncioReference, lineEnding } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { canSuspendIn, clauseBody, exceptClauses, indentAt, indentUnit, isExceptStar, methodCallsIn, namedChildren, raisesIn, startsLine, statementsOf } from '../facts/flow';
import { field } from '../facts/nodes';
import type { Scope } from '../facts/scopes';
import type { PythonCheck, PythonCheckContext } from '../parsed';

/** Statements that end a handler: a `raise` written after them would never run. */
const ENDING_STATEMENTS: ReadonlySet<string> = new Set(['pass_statement', 'return_statement', 'continue_statement', 'break_statement']);

/** The edit that makes a handler body end with `raise`. */
function reraiseAtEnd(context: PythonCheckContext, body: Node): TextEdit | undefined {
  const text = context.source.text;
  const statements = statementsOf(body);
  const last = statements.at(-1);
  if (last === undefined || last.hasError || body.hasError) return undefined;
  if (ENDING_STATEMENTS.has(last.type)) return { start: last.startIndex, end: last.endIndex, newText: 'raise' };
  if (!startsLine(text, last.startIndex)) {
    // `except X: log(x)` on one line.
    return { start: last.endIndex, end: last.endIndex, newText: '; raise' };
  }
  const line = context.source.positionAt(last.endIndex).line;
  const end = context.source.lineEnd(line);
  return { start: end, end, newText: `${lineEnding(context.source)}${indentAt(text, last.startIndex)}raise` };
}

function fixes(context: PythonCheckContext, facts: PythonFacts, clause: Node, scope: Scope, caught: CancellationCatch): Fix[] {
  const body = clauseBody(clause);
  if (body === undefined || clause.hasError) return [];
  const result: Fix[] = [];
  const text = context.source.text;
  if ((caught.kind === 'broad' || caught.mixed) && startsLine(text, clause.startIndex)) {
    const asyncio = asyncioReference(facts, context.source, scope);
    if (asyncio !== undefined) {
      const eol = lineEnding(context.source);
      const indent = indentAt(text, clause.startIndex);
      const unit = startsLine(text, body.startIndex) ? indentUnit(text, body) : '    ';
      const keyword = isExceptStar(clause) ? 'except*' : 'except';
      result.push({
        title: `Let cancellation through: add \`${keyword} ${asyncio.name}.CancelledError: raise\` before this handler`,
        safety: 'unsafe',
        edits: [
          ...asyncio.edits,
          { start: clause.startIndex, end: clause.startIndex, newText: `${keyword} ${asyncio.name}.CancelledError:${eol}${indent}${unit}raise${eol}${indent}` },
        ],
      });
    }
  }
  const reraise = reraiseAtEnd(context, body);
  if (reraise !== undefined) result.push({ title: 'Re-raise at the end of the handler', safety: 'unsafe', edits: [reraise] });
  return result;
}

function message(caught: CancellationCatch): string {
  const consequence =
    'the task ignores `cancel()`, so `asyncio.timeout()`, `TaskGroup` and shutdown cannot stop it. Clean up, then `raise`.';
  if (caught.kind === 'explicit') return `This handler catches \`${caught.label}\` and never re-raises it: ${consequence}`;
  const what = caught.label === 'except:' ? 'A bare `except:`' : `\`except ${caught.label}\``;
  return `${what} in async code also catches \`asyncio.CancelledError\`, and this handler never re-raises: ${consequence}`;
}

/** The name a handler binds the exception to (`except X as name`). */
function boundName(clause: Node): string | undefined {
  const value = field(clause, 'value');
  if (value?.type !== 'as_pattern') return undefined;
  const alias = field(value, 'alias');
  const name = alias?.firstNamedChild ?? alias;
  return name?.type === 'identifier' ? name.text : undefined;
}

/**
 * The handler hands the exception object on for someone else to raise: `fut.set_exception(exc)`,
 * or stores it in an attribute or item (`self._error = exc`, `errors[i] = exc`).
 */
function forwardsException(clause: Node, body: Node): boolean {
  const name = boundName(clause);
  if (name === undefined) return false;
  for (const call of methodCallsIn(body, 'set_exception')) {
    const args = field(call, 'arguments');
    if (args !== null && namedChildren(args).some((a) => a.type === 'identifier' && a.text === name)) return true;
  }
  for (const assignment of body.descendantsOfType('assignment')) {
    const left = assignment?.childForFieldName('left');
    const right = assignment?.childForFieldName('right');
    if (left && right && (left.type === 'attribute' || left.type === 'subscript') && right.type === 'identifier' && right.text === name) return true;
  }
  return false;
}

/**
 * A handler that deliberately ends or passes on cancellation: it re-raises (anything, on any
 * path), calls `uncancel()`, or forwards the exception object.
 */
function handlesCancellation(clause: Node, body: Node): boolean {
  return raisesIn(body).length > 0 || methodCallsIn(body, 'uncancel').length > 0 || forwardsException(clause, body);
}

function checkHandlers(context: PythonCheckContext, facts: PythonFacts, version: readonly [number, number] | undefined): void {
  for (const { node: tryStatement, scope } of facts.tryStatements) {
    if (!scope.isAsync) continue;
    const tryBody = field(tryStatement, 'body');
    if (tryBody === null || !canSuspendIn(facts, tryBody, scope.functionNode)) continue;
    let awaitOfCancelled: boolean | undefined;
    for (const clause of exceptClauses(tryStatement)) {
      const catches = clauseCatchesCancellation(facts, clause, version);
      if (catches.length === 0) continue;
      const body = clauseBody(clause);
      if (body === undefined || handlesCancellation(clause, body)) continue;
      if (earlierClauseCatches(facts, clause, version)) continue;
      awaitOfCancelled ??= isAwaitOfCancelled(facts, tryStatement, tryBody, scope.functionNode);
      if (awaitOfCancelled) continue;
      const caught = catches.find((c) => c.kind === 'explicit') ?? catches[0];
      context.report({
        start: caught.node.startIndex,
        end: caught.node.endIndex,
        message: message(caught),
        fixes: fixes(context, facts, clause, scope, caught),
      });
    }
  }
}

function checkSuppress(context: PythonCheckContext, facts: PythonFacts, version: readonly [number, number] | undefined): void {
  for (const { node: withStatement, scope } of facts.withStatements) {
    if (!scope.isAsync) continue;
    const body = field(withStatement, 'body');
    if (body === null) continue;
    const clause = withStatement.namedChildren.find((c) => c?.type === 'with_clause');
    for (const item of clause ? namedChildren(clause) : []) {
      const value = field(item, 'value') ?? item.firstNamedChild;
      const call = value?.type === 'as_pattern' ? value.firstNamedChild : value;
      if (call?.type !== 'call' || facts.qualifiedName(call, scope) !== 'contextlib.suppress') continue;
      const catches = suppressCatchesCancellation(facts, call, scope, version);
      if (catches.length === 0) continue;
      if (!canSuspendIn(facts, body, scope.functionNode)) continue;
      if (isAwaitOfCancelled(facts, withStatement, body, scope.functionNode)) continue;
      const caught = catches.find((c) => c.kind === 'explicit') ?? catches[0];
      context.report({
        start: caught.node.startIndex,
        end: caught.node.endIndex,
        message:
          `\`contextlib.suppress(${caught.label})\` around awaits swallows this task's cancellation: ` +
          'the task ignores `cancel()`, so `asyncio.timeout()`, `TaskGroup` and shutdown cannot stop it.',
      });
    }
  }
}

const check: PythonCheck = {
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    if (importsTrio(facts)) return;
    const version = context.project.pythonVersion;
    checkHandlers(context, facts, version);
    checkSuppress(context, facts, version);
  },
};

export default check;
