import ts from 'typescript';
import rule from '../../../rules/untracked-task';
import { bindingsOf, skipWrappers, type FileBindings } from '../facts/bindings';
import { isArrayOfThenables, isCallableType, isThenableType } from '../facts/promiseTypes';
import { executionScope, hasModifier, isAsyncFunction, isInFunctionBody, thisClassAt } from '../facts/scope';
import { inFocus, type FocusableCheck } from '../incremental';
import type { TypeScriptCheckContext, TypeScriptTypes } from '../parsed';
import type { Fix } from '../../../engine/types';

/**
 * A promise dropped on the floor, and a promise stored and never joined.
 *
 * With type information (the file's project): an expression statement whose value is a thenable
 * (`Promise`, `PromiseLike`, anything with a callable `then`) that is not awaited, returned,
 * assigned, or given a function as rejection handler (`.catch(fn)`, `.then(ok, fail)`); arrays
 * of thenables used as statements; async IIFEs (unless `ignoreIIFE`); `.finally()` on an
 * unhandled chain; `void promise` when `ignoreVoid` is off. Also a local initialised with a
 * promise that is never read afterwards (started, never joined).
 *
 * Without type information (the fallback), from syntax alone: a bare expression statement whose
 * value is a promise nobody handles. Known promise sources: functions declared `async` in this file
 * (including `this.method()` for async methods of the enclosing class), the global `fetch`, and
 * `fs/promises` functions. `.then(onFulfilled)` without a rejection handler is a dropped promise
 * only on a receiver known to be one (a known source, `new Promise`, `Promise.all(...)`, a chain
 * or a `const` of those), never on any object with a `then` method (`cy.get(...).then(...)`);
 * `.finally()` passes its receiver's state through; `.catch(handler)` and `.then(ok, fail)` handle it.
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
    // Only on a receiver known to be a promise: `.then` alone does not make one (`cy.get(...).then(...)`).
    if (member === 'then') return node.arguments.length < 2 && isKnownPromise(receiver, bindings, 0);
    if (member === 'finally') return isUnhandledPromise(receiver, bindings);
  }
  return isPromiseSourceCall(node, bindings);
}

/** Static methods of the global `Promise` that return a promise. */
const PROMISE_STATICS = new Set(['resolve', 'reject', 'all', 'allSettled', 'race', 'any', 'try']);

/** `Promise`, the global one (no local or import of that name in scope). */
function isGlobalPromise(expression: ts.Expression, bindings: () => FileBindings): boolean {
  const node = skipWrappers(expression);
  return ts.isIdentifier(node) && node.text === 'Promise' && bindings().lookup('Promise', node) === undefined;
}

/**
 * Whether an expression is known from syntax alone to be a promise: a known promise source
 * (same-file async function, `fetch`, `fs/promises`), `new Promise(...)`, `Promise.all(...)` and
 * the other statics, a `.then`/`.catch`/`.finally` link on one of those, or a `const` initialised
 * with one of those.
 */
function isKnownPromise(expression: ts.Expression, bindings: () => FileBindings, depth: number): boolean {
  if (depth > 50) return false;
  const node = skipWrappers(expression);
  if (ts.isNewExpression(node)) return isGlobalPromise(node.expression, bindings);
  if (ts.isIdentifier(node)) {
    const binding = bindings().lookup(node.text, node);
    const declaration = binding?.kind === 'local' ? binding.declaration : undefined;
    if (declaration === undefined || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) return false;
    const list = declaration.parent;
    if (!ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.Const) === 0) return false;
    return isKnownPromise(declaration.initializer, bindings, depth + 1);
  }
  if (!ts.isCallExpression(node)) return false;
  const callee = skipWrappers(node.expression);
  const member = memberName(callee);
  if (member !== undefined && (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) {
    if (member === 'then' || member === 'catch' || member === 'finally') return isKnownPromise(callee.expression, bindings, depth + 1);
    if (PROMISE_STATICS.has(member) && isGlobalPromise(callee.expression, bindings)) return true;
  }
  return isPromiseSourceCall(node, bindings);
}


const SYNTAX_MESSAGE =
  'This promise is dropped: nothing awaits it or handles its rejection. `await` it, return it, ' +
  'attach a `.catch(...)` handler, or mark it deliberately detached with `void`.';

/** The syntax-level check, used when no type information can be had. */
function runSyntactic(context: TypeScriptCheckContext): void {
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
      message: SYNTAX_MESSAGE,
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
}

type Dropped = { node: ts.Expression; kind: 'promise' | 'array' | 'void' };

function skipParentheses(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current)) current = current.expression;
  return current;
}

function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
}

/** `(async () => {...})()` / `(async function () {...})()`. */
function isAsyncIife(call: ts.CallExpression): boolean {
  const callee = skipWrappers(call.expression);
  return (ts.isArrowFunction(callee) || ts.isFunctionExpression(callee)) && isAsyncFunction(callee);
}

/** Whether `await` may be written at `node`: directly in an async function's body. */
function canAwaitAt(node: ts.Node): boolean {
  const scope = executionScope(node);
  return scope.kind === 'function' && scope.isAsync && isInFunctionBody(node, scope.node);
}

/**
 * `describe(...)`, `it(...)`, `test(...)`, `suite(...)` (and `.only`/`.skip`/`.todo`) of
 * `node:test`: their promises are tracked by the test runner, which reports failures itself and
 * never rejects them. (A subtest's `t.test(...)`, a method, still has to be awaited.)
 */
function isTestRegistration(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  const declaration = checker.getResolvedSignature(call)?.getDeclaration();
  if (declaration === undefined || !ts.isFunctionDeclaration(declaration)) return false;
  // `it.skip(...)` is called on the function itself; `t.test(...)` on a TestContext.
  const callee = skipWrappers(call.expression);
  if (ts.isPropertyAccessExpression(callee) && checker.getTypeAtLocation(callee.expression).getCallSignatures().length === 0) return false;
  if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee)) return false;
  return /[\\/]@types[\\/]node[\\/](?:ts[\d.]+[\\/])?test\.d\.ts$/.test(declaration.getSourceFile().fileName);
}

/**
 * The innermost node a local declared at `declaration` (`var`, `let` or `const`) cannot be
 * referenced outside of: its function, class static block, namespace body or file.
 */
function referenceScope(declaration: ts.Node): ts.Node {
  let node = declaration.parent;
  while (!ts.isSourceFile(node) && !ts.isFunctionLike(node) && !ts.isModuleBlock(node) && !ts.isClassStaticBlockDeclaration(node)) node = node.parent;
  return node;
}

/**
 * The identifiers of `sorted` (in source order) that lie inside the scope of `declaration`: only
 * those can read the local, so only those are resolved (a name such as `records` declared in
 * hundreds of functions would otherwise make every declaration resolve every use in the file).
 */
function inScope(sorted: readonly ts.Identifier[], declaration: ts.Node): readonly ts.Identifier[] {
  const scope = referenceScope(declaration);
  if (ts.isSourceFile(scope)) return sorted;
  const firstAtOrAfter = (offset: number): number => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle].pos < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return sorted.slice(firstAtOrAfter(scope.pos), firstAtOrAfter(scope.end));
}

/** The type-aware check. */
function runTyped(context: TypeScriptCheckContext, types: TypeScriptTypes): void {
  const { checker, sourceFile } = types;
  const ignoreVoid = context.options.ignoreVoid !== false;
  const ignoreIIFE = context.options.ignoreIIFE === true;
  const isPromise = (node: ts.Expression): boolean => isThenableType(checker, checker.getTypeAtLocation(node), node);

  /** Whether a promise-valued expression leaves its rejection unhandled. */
  const unhandled = (expression: ts.Expression): boolean => {
    const node = skipParentheses(expression);
    if (!isPromise(node)) return false;
    if (!ts.isCallExpression(node)) return true;
    if (isTestRegistration(checker, node)) return false;
    const callee = skipWrappers(node.expression);
    const member = memberName(callee);
    if (member === undefined || !(ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) return true;
    const receiver = callee.expression;
    if (!isPromise(receiver)) return true;
    const handler = member === 'catch' ? node.arguments[0] : member === 'then' ? node.arguments[1] : undefined;
    if (member === 'catch' || member === 'then') {
      return handler === undefined || !isCallableType(checker.getTypeAtLocation(handler));
    }
    if (member === 'finally') return unhandled(receiver);
    return true;
  };

  /**
   * Whether every signature of the callee (none generic, none returning a type parameter or
   * `this`) returns neither a thenable nor an array of thenables: then neither does the call, and
   * it need not be resolved (overload resolution is the costly question; the callee's type is not).
   */
  const returnsPlainValue = (call: ts.CallExpression): boolean => {
    // `require(...)` is typed as the module it loads, not as its declared return type.
    if (ts.isIdentifier(call.expression) && call.expression.text === 'require') return false;
    const callee = checker.getApparentType(checker.getNonNullableType(checker.getTypeAtLocation(call.expression)));
    const signatures = callee.getCallSignatures();
    return (
      signatures.length > 0 &&
      signatures.every((signature) => {
        if (signature.typeParameters !== undefined && signature.typeParameters.length > 0) return false;
        const returned = checker.getReturnTypeOfSignature(signature);
        const parts = returned.isUnionOrIntersection() ? returned.types : [returned];
        if (parts.some((part) => (part.flags & ts.TypeFlags.Instantiable) !== 0)) return false;
        return !isThenableType(checker, returned, call) && !isArrayOfThenables(checker, returned, call);
      })
    );
  };

  const collect = (expression: ts.Expression, out: Dropped[]): void => {
    const node = skipParentheses(expression);
    if (ts.isAwaitExpression(node)) return;
    if (ts.isVoidExpression(node)) {
      if (!ignoreVoid && isPromise(node.expression)) out.push({ node, kind: 'void' });
      return;
    }
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (isAssignmentOperator(operator)) return;
      if (operator === SyntaxKind.CommaToken) {
        collect(node.left, out);
        collect(node.right, out);
      } else if (
        operator === SyntaxKind.AmpersandAmpersandToken ||
        operator === SyntaxKind.BarBarToken ||
        operator === SyntaxKind.QuestionQuestionToken
      ) {
        collect(node.right, out);
      }
      return;
    }
    if (ts.isConditionalExpression(node)) {
      collect(node.whenTrue, out);
      collect(node.whenFalse, out);
      return;
    }
    if (ts.isCallExpression(node) && ignoreIIFE && isAsyncIife(node)) return;
    if (ts.isCallExpression(node) && returnsPlainValue(node)) return;
    if (unhandled(node)) out.push({ node, kind: 'promise' });
    else if (isArrayOfThenables(checker, checker.getTypeAtLocation(node), node)) out.push({ node, kind: 'array' });
  };

  const report = (dropped: Dropped): void => {
    const { node, kind } = dropped;
    const start = node.getStart(sourceFile);
    const end = node.getEnd();
    const awaitable = canAwaitAt(node);
    const fixes: Fix[] = [];
    let message: string;
    if (kind === 'array') {
      message =
        'These promises are dropped: nothing awaits them or handles their rejections. ' +
        'Wait for them all with `await Promise.all(...)`.';
      if (awaitable) {
        fixes.push({
          title: 'Await them all with Promise.all',
          safety: 'unsafe',
          edits: [
            { start, end: start, newText: 'await Promise.all(' },
            { start: end, end, newText: ')' },
          ],
        });
      }
    } else if (kind === 'void') {
      message =
        '`void` drops this promise, and its rejection is lost (the `ignoreVoid` option is off). ' +
        '`await` it, return it, or attach a `.catch(...)` handler.';
      const operand = (node as ts.VoidExpression).expression;
      if (awaitable) {
        fixes.push({ title: 'Await the promise', safety: 'unsafe', edits: [{ start, end: operand.getStart(sourceFile), newText: 'await ' }] });
      }
    } else {
      message = ignoreVoid
        ? SYNTAX_MESSAGE
        : 'This promise is dropped: nothing awaits it or handles its rejection. `await` it, return it, or attach a `.catch(...)` handler.';
      if (awaitable) fixes.push({ title: 'Await the promise', safety: 'unsafe', edits: [{ start, end: start, newText: 'await ' }] });
      if (ignoreVoid) {
        fixes.push({ title: 'Mark it deliberately detached with `void`', safety: 'unsafe', edits: [{ start, end: start, newText: 'void ' }] });
      }
    }
    context.report({ start, end, message, ...(fixes.length > 0 ? { fixes } : {}) });
  };

  // Focused on an edited body (see Focus): its statements, and the locals that body may read.
  const focus = context.parsed.focus;
  const candidates: ts.VariableDeclaration[] = [];
  const identifiers = new Map<string, ts.Identifier[]>();
  const unordered = new Set<ts.Identifier[]>();
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case SyntaxKind.ExpressionStatement: {
        if (!inFocus(focus, node)) break;
        const found: Dropped[] = [];
        collect((node as ts.ExpressionStatement).expression, found);
        found.forEach(report);
        break;
      }
      case SyntaxKind.VariableDeclaration:
        candidates.push(node as ts.VariableDeclaration);
        break;
      case SyntaxKind.Identifier: {
        const id = node as ts.Identifier;
        const list = identifiers.get(id.text);
        if (list === undefined) identifiers.set(id.text, [id]);
        else {
          if (list[list.length - 1].pos > id.pos) unordered.add(list);
          list.push(id);
        }
        break;
      }
      default:
        break;
    }
    forEachChild(node, visit);
  };
  visit(sourceFile);
  // The walk meets identifiers in source order; `inScope` relies on it.
  for (const list of unordered) list.sort((a, b) => a.pos - b.pos);

  // Unjoined: `const p = start();` and `p` never read again.
  for (const declaration of candidates) {
    if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
    const list = declaration.parent;
    if (!ts.isVariableDeclarationList(list) || !ts.isVariableStatement(list.parent)) continue;
    const statement = list.parent;
    if (hasModifier(statement, SyntaxKind.ExportKeyword) || hasModifier(statement, SyntaxKind.DeclareKeyword)) continue;
    const initializer = skipParentheses(declaration.initializer);
    if (ts.isAwaitExpression(initializer)) continue;
    if (focus !== undefined && !inFocus(focus, declaration)) {
      // Declared outside the edited body: its finding changes only if that body is in its scope.
      const scope = referenceScope(declaration);
      if (!(scope.pos <= focus.start && scope.end >= focus.end)) continue;
      focus.own(declaration.name.getStart(sourceFile), declaration.name.getEnd());
    }
    // Whether the local is read is asked before whether it holds a promise: most locals are read,
    // and typing an initializer is the costlier question.
    const symbol = checker.getSymbolAtLocation(declaration.name);
    if (symbol === undefined) continue;
    const name = declaration.name;
    const read = inScope(identifiers.get(name.text) ?? [], declaration).some((id) => {
      if (id === name) return false;
      const parent = id.parent;
      if ((ts.isPropertyAccessExpression(parent) && parent.name === id) || (ts.isPropertyAssignment(parent) && parent.name === id)) return false;
      const found = ts.isShorthandPropertyAssignment(parent) ? checker.getShorthandAssignmentValueSymbol(parent) : checker.getSymbolAtLocation(id);
      if (found === undefined) return true; // unknown: count it as a use
      if (found !== symbol) return false;
      // A plain re-assignment writes the variable without joining the promise.
      return !(ts.isBinaryExpression(parent) && parent.left === id && parent.operatorToken.kind === SyntaxKind.EqualsToken);
    });
    if (read || !isPromise(initializer)) continue;
    context.report({
      start: name.getStart(sourceFile),
      end: name.getEnd(),
      message:
        `The promise stored in \`${name.text}\` is never awaited, returned, passed on or handled: the work ` +
        'is started and never joined, and its rejection is lost. Await it (or `Promise.all` it with the others) before the scope ends.',
    });
  }
}

const check: FocusableCheck = {
  rule,
  focusable: true,
  run(context) {
    const types = context.parsed.types();
    if (types === undefined) runSyntactic(context);
    else runTyped(context, types);
  },
};

export default check;
