import ts from 'typescript';
import rule from '../../../rules/return-await-in-try';
import { bindingsOf } from '../facts/bindings';
import { isThenableType } from '../facts/promiseTypes';
import { executionScope, type FunctionLike } from '../facts/scope';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';

/**
 * Inside an async function, `return promise` within a `try` block (or within a `catch` that a
 * `finally` follows) returns before the promise settles: its rejection skips the `catch`, and the
 * `finally` runs too early. `return await promise` is what was meant.
 *
 * With types: any returned expression whose type is a thenable. Without types (fallback): only
 * `new Promise(...)`, `Promise.<method>(...)` and the global `fetch(...)`.
 */

const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

/** Returned expressions that need parentheses after `await` to keep their meaning. */
const NEEDS_PARENTHESES: ReadonlySet<ts.SyntaxKind> = new Set([
  SyntaxKind.BinaryExpression,
  SyntaxKind.ConditionalExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.YieldExpression,
  SyntaxKind.AsExpression,
  SyntaxKind.SatisfiesExpression,
]);

/** `try` if the statement is inside a `try` block, `catch` if in a `catch` followed by `finally`. */
function protectingClause(statement: ts.Node, fn: FunctionLike): 'try' | 'catch' | undefined {
  let child: ts.Node = statement;
  for (let current = statement.parent; current !== undefined && current !== fn; child = current, current = current.parent) {
    if (!ts.isTryStatement(current)) continue;
    if (child === current.tryBlock) return 'try';
    if (child === current.catchClause && current.finallyBlock !== undefined) return 'catch';
  }
  return undefined;
}

/**
 * Focusable: a finding depends on its `return` statement, the enclosing function and `try`, and
 * the returned expression's type; outside an edited stable body none of these can change (the
 * body's function has a declared type, see incremental.ts).
 */
const check: FocusableCheck = {
  rule,
  focusable: true,
  run(context) {
    const focus = context.parsed.focus;
    const types = context.parsed.types();
    const sourceFile = types?.sourceFile ?? context.parsed.sourceFile;

    const isPromiseSyntactically = (expression: ts.Expression): boolean => {
      const bindings = bindingsOf(context.parsed);
      if (ts.isNewExpression(expression)) {
        return ts.isIdentifier(expression.expression) && expression.expression.text === 'Promise' && bindings.lookup('Promise', expression) === undefined;
      }
      if (!ts.isCallExpression(expression)) return false;
      const callee = expression.expression;
      if (ts.isIdentifier(callee)) return callee.text === 'fetch' && bindings.lookup('fetch', callee) === undefined;
      return (
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'Promise' &&
        bindings.lookup('Promise', callee) === undefined &&
        ['all', 'allSettled', 'any', 'race', 'reject', 'resolve'].includes(callee.name.text)
      );
    };

    const isPromise = (expression: ts.Expression): boolean =>
      types === undefined
        ? isPromiseSyntactically(expression)
        : isThenableType(types.checker, types.checker.getTypeAtLocation(expression), expression);

    const inspect = (statement: ts.ReturnStatement): void => {
      const returned = statement.expression;
      if (returned === undefined) return;
      let inner = returned;
      while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
      if (ts.isAwaitExpression(inner)) return;
      const scope = executionScope(statement);
      if (scope.kind !== 'function' || !scope.isAsync) return;
      // In an async generator `return x` already awaits x.
      if ((ts.isFunctionDeclaration(scope.node) || ts.isFunctionExpression(scope.node) || ts.isMethodDeclaration(scope.node)) && scope.node.asteriskToken !== undefined) return;
      const clause = protectingClause(statement, scope.node);
      if (clause === undefined || !isPromise(inner)) return;
      const start = returned.getStart(sourceFile);
      const end = returned.getEnd();
      const wrap = NEEDS_PARENTHESES.has(returned.kind);
      context.report({
        start,
        end,
        message:
          clause === 'try'
            ? 'This promise is returned without `await` inside `try`: if it rejects, this `catch`/`finally` never sees it. Write `return await ...`.'
            : 'This promise is returned without `await` inside a `catch` that a `finally` follows: the `finally` runs before it settles. Write `return await ...`.',
        fixes: [
          {
            title: 'Add `await`',
            safety: 'safe',
            edits: wrap
              ? [
                  { start, end: start, newText: 'await (' },
                  { start: end, end, newText: ')' },
                ]
              : [{ start, end: start, newText: 'await ' }],
          },
        ],
      });
    };

    const visit = (node: ts.Node): void => {
      if (!reachesFocus(focus, node)) return;
      if (node.kind === SyntaxKind.ReturnStatement && inFocus(focus, node)) inspect(node as ts.ReturnStatement);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
