import ts from 'typescript';
import rule from '../../../rules/async-promise-executor';
import { bindingsOf, skipWrappers, type FileBindings } from '../facts/bindings';
import { occurrencesOf, occursIn } from '../facts/syntax';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';

/**
 * `new Promise(async (resolve, reject) => { ... })`: an exception thrown after the executor's
 * first `await` rejects the executor's own promise, which nobody holds, so the `new Promise`
 * never settles; and an executor that needs `await` means the wrapping promise is not needed.
 * Decided from syntax: `Promise` must be the global (not a local or an import of that name).
 */

const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

/**
 * Focusable: a finding depends on its `new` expression's subtree and on what `Promise` resolves to
 * there; an edit inside a body changes neither for a `new` outside it (a body that declares a
 * `var`, hoisted to its function, is never reused: see incremental.ts).
 */
const check: FocusableCheck = {
  rule,
  focusable: 'syntax',
  run(context) {
    const { sourceFile, focus } = context.parsed;
    // A finding is an `async` keyword inside a `new` expression: subtrees whose text holds no
    // `async` cannot contain one, and are not walked.
    const asyncAt = occurrencesOf(sourceFile.text, 'async');
    if (asyncAt.length === 0) return;
    let bindings: FileBindings | undefined;

    const isGlobalPromise = (expression: ts.Expression): boolean => {
      bindings ??= bindingsOf(context.parsed);
      const resolved = bindings.resolve(skipWrappers(expression));
      return resolved !== undefined && resolved.module === undefined && resolved.qualified === 'Promise';
    };

    const inspect = (node: ts.NewExpression): void => {
      const executor = node.arguments?.[0];
      if (executor === undefined || !isGlobalPromise(node.expression)) return;
      const fn = skipWrappers(executor);
      if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return;
      const asyncKeyword = ts.getModifiers(fn)?.find((m) => m.kind === SyntaxKind.AsyncKeyword);
      if (asyncKeyword === undefined) return;
      context.report({
        start: asyncKeyword.getStart(sourceFile),
        end: asyncKeyword.getEnd(),
        message:
          'This Promise executor is async: an error thrown after its first `await` is lost and the promise ' +
          'never settles. Make the executor synchronous, or drop `new Promise` and write an async function.',
      });
    };

    const visit = (node: ts.Node): void => {
      if (!occursIn(asyncAt, node.pos, node.end) || !reachesFocus(focus, node)) return;
      if (node.kind === SyntaxKind.NewExpression && inFocus(focus, node)) inspect(node as ts.NewExpression);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
