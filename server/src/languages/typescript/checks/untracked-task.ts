import ts from 'typescript';
import rule from '../../../rules/untracked-task';
import { bindingsOf, skipWrappers, type FileBindings } from '../facts/bindings';
import { executionScope, hasModifier, isAsyncFunction, thisClassAt } from '../facts/scope';
import type { TypeScriptCheck } from '../parsed';

/**
 * A promise dropped on the floor: a bare expression statement whose value is, from syntax alone,
 * a promise nobody handles. Known promise sources: functions declared `async` in this file
 * (including `this.method()` for async methods of the enclosing class), the global `fetch`, and
 * `fs/promises` functions. `.then(onFulfilled)` without a rejection handler is treated as a
 * promise whatever its receiver; `.finally()` passes its receiver's state through; `.catch(handler)`
 * and `.then(ok, fail)` handle it.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

/** `fs/promises` members that do not return a promise. */
const FS_PROMISES_NON_PROMISE = new Set(['watch', 'constants']);

function memberName(callee: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isElementAccessExpression(callee)) {
    const key = callee.argumentExpression;
    return ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key) ? key.text : undefined;
  }
  return undefined;
}

/** Whether a declaration found for a called name is an async function. */
function declaresAsyncFunction(declaration: ts.Node): boolean {
  if (ts.isFunctionDeclaration(declaration) || ts.isFunctionExpression(declaration)) return isAsyncFunction(declaration);
  if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
    return isAsyncFunction(skipWrappers(declaration.initializer));
  }
  return false;
}

function memberKey(name: ts.PropertyName | ts.PrivateIdentifier): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

/** `this.m()` / `this.#m()` where `m` is an async method (or async arrow field) of the enclosing class. */
function isAsyncThisMethodCall(callee: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(callee) || callee.expression.kind !== SyntaxKind.ThisKeyword) return false;
  const owner = thisClassAt(callee);
  if (owner === undefined) return false;
  const name = callee.name.text;
  for (const member of owner.declaration.members) {
    if (member.name === undefined || memberKey(member.name) !== name) continue;
    if (hasModifier(member, SyntaxKind.StaticKeyword) !== owner.isStatic) continue;
    if (ts.isMethodDeclaration(member)) {
      // Overload signatures come before the implementation and carry no `async`.
      if (isAsyncFunction(member)) return true;
      if (member.body !== undefined) return false;
      continue;
    }
    if (ts.isPropertyDeclaration(member) && member.initializer !== undefined) return isAsyncFunction(skipWrappers(member.initializer));
  }
  return false;
}

/** Whether a call (not a `.then`/`.catch`/`.finally` link) is known to return a promise. */
function isPromiseSourceCall(call: ts.CallExpression, bindings: () => FileBindings): boolean {
  const callee = skipWrappers(call.expression);
  if (ts.isIdentifier(callee)) {
    const binding = bindings().lookup(callee.text, callee);
    if (binding === undefined) return callee.text === 'fetch';
    if (binding.kind === 'local') return declaresAsyncFunction(binding.declaration);
  } else if (isAsyncThisMethodCall(callee)) {
    return true;
  }
  if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return false;
  const resolved = bindings().resolve(callee);
  if (resolved === undefined) return false;
  if (resolved.module === undefined) return resolved.qualified === 'fetch';
  return resolved.module === 'fs/promises' && resolved.path.length === 1 && !FS_PROMISES_NON_PROMISE.has(resolved.path[0]);
}

/** Whether an expression's value is a promise whose rejection nobody handles. */
function isUnhandledPromise(expression: ts.Expression, bindings: () => FileBindings): boolean {
  const node = skipWrappers(expression);
  if (!ts.isCallExpression(node)) return false;
  const callee = skipWrappers(node.expression);
  const member = memberName(callee);
  if (member !== undefined && (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) {
    const receiver = callee.expression;
    // `.catch(handler)` handles; `.catch()` with no handler passes the rejection on.
    if (member === 'catch') return node.arguments.length === 0 && isUnhandledPromise(receiver, bindings);
    if (member === 'then') return node.arguments.length < 2;
    if (member === 'finally') return isUnhandledPromise(receiver, bindings);
  }
  return isPromiseSourceCall(node, bindings);
}

const check: TypeScriptCheck = {
  rule,
  run(context) {
    const { sourceFile } = context.parsed;
    let cached: FileBindings | undefined;
    const bindings = (): FileBindings => (cached ??= bindingsOf(context.parsed));

    const inspect = (statement: ts.ExpressionStatement): void => {
      const expression = statement.expression;
      if (!isUnhandledPromise(expression, bindings)) return;
      const start = expression.getStart(sourceFile);
      const scope = executionScope(statement);
      context.report({
        start,
        end: expression.getEnd(),
        message:
          'This promise is dropped: nothing awaits it or handles its rejection. `await` it, return it, ' +
          'attach a `.catch(...)` handler, or mark it deliberately detached with `void`.',
        ...(scope.isAsync
          ? { fixes: [{ title: 'Await the promise', safety: 'unsafe' as const, edits: [{ start, end: start, newText: 'await ' }] }] }
          : {}),
      });
    };

    const visit = (node: ts.Node): void => {
      if (node.kind === SyntaxKind.ExpressionStatement) inspect(node as ts.ExpressionStatement);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
