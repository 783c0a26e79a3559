import ts from 'typescript';
import type { Fix, TextEdit } from '../../../engine/types';
import rule from '../../../rules/swallowed-exception';
import { skipWrappers } from '../facts/bindings';
import { boundNames, forEachOwnNode, referencesAny } from '../facts/functions';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';

/**
 * Errors caught and dropped: an empty `catch` block, a `catch` that neither rethrows, logs nor
 * looks at the error, a `.catch(() => {})` handler that does nothing. A comment inside an empty
 * block or handler marks the swallowing as deliberate and silences the rule.
 *
 * Inside a signal-aware function (one that receives an `AbortSignal`), a `catch` around an `await`
 * that does not rethrow also turns cancellation into success unless it looks at the abort
 * (`AbortError`, `signal.aborted`, ...): that gets its own message.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

const LOG_METHODS: ReadonlySet<string> = new Set([
  'error',
  'warn',
  'warning',
  'fatal',
  'critical',
  'exception',
  'captureException',
  'reportError',
  'notify',
]);

/** A call that logs or reports: `console.*`, `logger.x(...)`, `log(...)`, `this.log.warn(...)`, `Sentry.captureException(...)`. */
function isLoggingCall(call: ts.CallExpression): boolean {
  const callee = skipWrappers(call.expression);
  if (ts.isIdentifier(callee)) return /log|report|warn/i.test(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  if (LOG_METHODS.has(callee.name.text)) return true;
  const receiver = skipWrappers(callee.expression);
  const receiverName = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : '';
  return receiverName === 'console' || /log/i.test(receiverName) || /^log|log$/i.test(callee.name.text);
}

/** Whether a block has a comment between its braces. */
function hasComment(block: ts.Node, sourceFile: ts.SourceFile): boolean {
  const inner = sourceFile.text.slice(block.getStart(sourceFile) + 1, block.getEnd() - 1);
  return inner.includes('//') || inner.includes('/*');
}

/** Whether `fn` receives an `AbortSignal`: a parameter named or typed so, or a destructured `signal`. */
function isSignalAware(fn: ts.SignatureDeclaration): boolean {
  for (const parameter of fn.parameters) {
    if (boundNames(parameter.name).some((n) => /signal$/i.test(n))) return true;
    if (parameter.type !== undefined && /\bAbortSignal\b|\bsignal\??\s*:/.test(parameter.type.getText())) return true;
  }
  return false;
}

function enclosingFunction(node: ts.Node): ts.SignatureDeclaration | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (ts.isFunctionLike(current)) return current;
  }
  return undefined;
}

/** Whether the `try` block awaits something it handed a signal to (`await fetch(url, { signal })`). */
function awaitsWithSignal(node: ts.Node): boolean {
  let awaits = false;
  let passesSignal = false;
  forEachOwnNode(node, (child) => {
    if (ts.isAwaitExpression(child) || (ts.isForOfStatement(child) && child.awaitModifier !== undefined)) awaits = true;
    else if ((ts.isIdentifier(child) && /signal$/i.test(child.text)) || ts.isShorthandPropertyAssignment(child) && /signal$/i.test(child.name.text)) passesSignal = true;
  });
  return awaits && passesSignal;
}

/** `catch (_)`, `catch (_error)`, `catch (ignored)`: the name says the error is dropped on purpose. */
function namedAsIgnored(clause: ts.CatchClause): boolean {
  const name = clause.variableDeclaration?.name;
  return name !== undefined && ts.isIdentifier(name) && /^_|^ignored?$/i.test(name.text);
}

interface CatchFacts {
  rethrows: boolean;
  logs: boolean;
  usesError: boolean;
  /** Returns a value, assigns, or leaves a loop: the catch substitutes an outcome for the failure. */
  substitutes: boolean;
}

function factsOf(clause: ts.CatchClause): CatchFacts {
  let rethrows = false;
  let logs = false;
  let substitutes = false;
  forEachOwnNode(clause.block, (node) => {
    const kind = node.kind;
    if (kind === SyntaxKind.ThrowStatement) rethrows = true;
    else if (kind === SyntaxKind.CallExpression && isLoggingCall(node as ts.CallExpression)) logs = true;
    else if (kind === SyntaxKind.ReturnStatement || kind === SyntaxKind.ContinueStatement || kind === SyntaxKind.BreakStatement) substitutes = true;
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind >= SyntaxKind.FirstAssignment && node.operatorToken.kind <= SyntaxKind.LastAssignment) substitutes = true;
    else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === SyntaxKind.PlusPlusToken || node.operator === SyntaxKind.MinusMinusToken)) substitutes = true;
  });
  const declaration = clause.variableDeclaration;
  const names = new Set(declaration === undefined ? [] : boundNames(declaration.name));
  return { rethrows, logs, substitutes, usesError: names.size > 0 && referencesAny(clause.block, names) };
}

function lineIndent(text: string, offset: number): string {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** `throw error;` at the end of the catch block, adding the `(error)` binding when the clause has none. */
function rethrowFix(clause: ts.CatchClause, sourceFile: ts.SourceFile, eol: string): Fix | undefined {
  const text = sourceFile.text;
  const edits: TextEdit[] = [];
  let name: string;
  const declaration = clause.variableDeclaration;
  if (declaration === undefined) {
    const taken = (candidate: string): boolean => referencesAny(clause.block, new Set([candidate]));
    name = ['error', 'err', 'caught'].find((candidate) => !taken(candidate)) ?? 'caughtError';
    const keywordEnd = clause.getStart(sourceFile) + 'catch'.length;
    edits.push({ start: keywordEnd, end: keywordEnd, newText: ` (${name})` });
  } else if (ts.isIdentifier(declaration.name)) {
    name = declaration.name.text;
  } else {
    return undefined; // a destructured binding has no name to rethrow
  }
  const block = clause.block;
  const open = block.getStart(sourceFile);
  const line = (offset: number): number => ts.getLineAndCharacterOfPosition(sourceFile, offset).line;
  const statements = block.statements;
  if (statements.length === 0) {
    if (line(open) === line(block.getEnd())) {
      edits.push({ start: open, end: block.getEnd(), newText: `{ throw ${name}; }` });
    } else {
      const indent = lineIndent(text, clause.getStart(sourceFile));
      const unit = indent.includes('\t') ? '\t' : '  ';
      edits.push({ start: open, end: block.getEnd(), newText: `{${eol}${indent}${unit}throw ${name};${eol}${indent}}` });
    }
  } else {
    const last = statements[statements.length - 1];
    const end = last.getEnd();
    edits.push({
      start: end,
      end,
      newText: line(last.getStart(sourceFile)) === line(open) ? ` throw ${name};` : `${eol}${lineIndent(text, last.getStart(sourceFile))}throw ${name};`,
    });
  }
  return { title: `Rethrow the error (\`throw ${name};\`)`, safety: 'unsafe', edits };
}

/** A rejection handler that does nothing: `() => {}`, `() => undefined`, `function () {}`, with its parameter unused. */
function isEmptyHandler(handler: ts.Expression, sourceFile: ts.SourceFile): boolean {
  const node = skipWrappers(handler);
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return false;
  const names = new Set(node.parameters.flatMap((p) => boundNames(p.name)));
  const body = node.body;
  if (ts.isBlock(body)) return body.statements.length === 0 && !hasComment(body, sourceFile);
  const value = skipWrappers(body);
  if (value.kind === SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(value)) return value.text === 'undefined' && !names.has('undefined');
  return ts.isVoidExpression(value) && ts.isNumericLiteral(value.expression);
}

const ABORT_AWARE = /abort|cancel/i;

/** Releasing or deleting something: a failure there is routinely ignored on purpose (best-effort cleanup). */
const CLEANUP = /^_*(close|dispose|destroy|unlink|rm|rmdir|remove|delete|detach|kill|stop|cancel|abort|terminate|release|disconnect|end|unsubscribe|unregister|uninstall|shutdown|cleanup|cleanUp|unwatch|unref)(Sync|All|Async)?$/;

function isCleanupCall(expression: ts.Expression): boolean {
  let node = skipWrappers(expression);
  if (ts.isAwaitExpression(node) || ts.isVoidExpression(node)) node = skipWrappers(node.expression);
  if (!ts.isCallExpression(node)) return false;
  const callee = skipWrappers(node.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  return name !== undefined && CLEANUP.test(name);
}

/** A `try` block made only of cleanup calls: `try { fs.unlinkSync(p); } catch {}`. */
function isCleanupBlock(block: ts.Block): boolean {
  return block.statements.length > 0 && block.statements.every((s) => ts.isExpressionStatement(s) && isCleanupCall(s.expression));
}

/**
 * Focusable: a finding depends only on its `catch` clause or call and on the parameters of the
 * enclosing function, none of which an edit inside another body (or inside the same body, for
 * nodes outside it) can change.
 */
const check: FocusableCheck = {
  rule,
  focusable: 'syntax',
  run(context) {
    const { sourceFile, focus } = context.parsed;
    let eol: string | undefined;

    const inspectCatch = (clause: ts.CatchClause): void => {
      const block = clause.block;
      const start = clause.getStart(sourceFile);
      const keyword = { start, end: start + 'catch'.length };
      const tryStatement = clause.parent;
      const fn = enclosingFunction(clause);
      const abortRisk = fn !== undefined && isSignalAware(fn) && awaitsWithSignal(tryStatement.tryBlock);
      const fix = (): Fix[] => {
        const made = rethrowFix(clause, sourceFile, (eol ??= context.source.eol));
        return made === undefined ? [] : [made];
      };
      if (block.statements.length === 0) {
        if (hasComment(block, sourceFile) || (!abortRisk && (namedAsIgnored(clause) || isCleanupBlock(tryStatement.tryBlock)))) return;
        context.report({
          ...keyword,
          message: abortRisk
            ? 'This empty `catch` also swallows the `AbortError` of a cancelled operation: the caller\'s abort turns into success. Rethrow it (at least when the signal is aborted).'
            : 'This empty `catch` swallows every error, hiding failures; rethrow it, log it with context, or handle the specific error you expect.',
          fixes: fix(),
        });
        return;
      }
      const facts = factsOf(clause);
      if (facts.rethrows) return;
      if (abortRisk && !ABORT_AWARE.test(block.getText(sourceFile))) {
        context.report({
          ...keyword,
          message:
            'This `catch` in a signal-aware function does not rethrow, so it also swallows the `AbortError` of a cancelled operation: the caller\'s abort turns into success. Rethrow when `signal.aborted` (or the error is an `AbortError`).',
          fixes: fix(),
        });
        return;
      }
      if (facts.logs || facts.usesError || facts.substitutes || namedAsIgnored(clause)) return;
      context.report({
        ...keyword,
        message: 'This `catch` neither rethrows, logs nor looks at the error, so failures vanish; rethrow it, log it with context, or handle the specific error you expect.',
        fixes: fix(),
      });
    };

    const inspectCall = (call: ts.CallExpression): void => {
      const callee = skipWrappers(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return;
      const method = callee.name.text;
      let handler: ts.Expression | undefined;
      if (method === 'catch' && call.arguments.length === 1) handler = call.arguments[0];
      else if (method === 'then' && call.arguments.length === 2) handler = call.arguments[1];
      if (handler === undefined || !isEmptyHandler(handler, sourceFile)) return;
      if (method === 'catch' && isCleanupCall(callee.expression)) return;
      context.report({
        start: handler.getStart(sourceFile),
        end: handler.getEnd(),
        message: 'This rejection handler does nothing, so the promise\'s failure vanishes; log it with context, or handle the specific error you expect (a comment in the handler marks it deliberate).',
      });
    };

    const visit = (node: ts.Node): void => {
      if (!reachesFocus(focus, node)) return;
      if (!inFocus(focus, node)) {
        // An ancestor of the focus: its findings are kept from the previous analysis.
      } else if (node.kind === SyntaxKind.CatchClause) inspectCatch(node as ts.CatchClause);
      else if (node.kind === SyntaxKind.CallExpression) inspectCall(node as ts.CallExpression);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
