import ts from 'typescript';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/misused-promise';
import { bindingsOf, skipWrappers } from '../facts/bindings';
import {
  allReturnVoid,
  callSignaturesOf,
  isAlwaysThenable,
  isNeverThenableSyntax,
  isNeverThenableTypeNode,
  isThenableType,
  returnsThenable,
} from '../facts/promiseTypes';
import { executionScope, isAsyncFunction, isInFunctionBody } from '../facts/scope';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';
import type { TypeScriptCheckContext, TypeScriptTypes } from '../parsed';

/**
 * A promise used where nothing waits for it:
 * - an async (or promise-returning) function passed where the receiver expects a function that
 *   returns `void` (`forEach`, `on`/`addEventListener` listeners, `setTimeout`, JSX event props,
 *   object members and typed variables), or a class member overriding a `void` method;
 * - a promise used as a condition (always truthy);
 * - a promise spread into an object (copies nothing).
 *
 * Type-aware. Without types (the fallback) only `x.forEach(async ...)` and the global
 * `setTimeout` / `setInterval` with an async callback are reported.
 */

const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

type FunctionExpression = ts.ArrowFunction | ts.FunctionExpression;

function isFunctionExpression(node: ts.Node): node is FunctionExpression {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

/** The head of a function expression (`async (x) =>`), where its diagnostic goes. */
function headRange(fn: FunctionExpression, sourceFile: ts.SourceFile): { start: number; end: number } {
  const start = fn.getStart(sourceFile);
  const end = ts.isArrowFunction(fn) ? fn.equalsGreaterThanToken.getEnd() : fn.body.getStart(sourceFile);
  const text = sourceFile.text.slice(start, end).trimEnd();
  return { start, end: start + text.length };
}

/** `receiver.forEach(callback)` as a whole expression statement, for the fixes. */
function forEachStatement(call: ts.CallExpression): ts.ExpressionStatement | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'forEach') return undefined;
  return ts.isExpressionStatement(call.parent) && call.parent.expression === call ? call.parent : undefined;
}

/** Whether `body` has a `return` of its own (nested functions aside). */
function hasOwnReturn(body: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isReturnStatement(node)) found = true;
    else if (!ts.isFunctionLike(node)) forEachChild(node, visit);
  };
  forEachChild(body, visit);
  return found;
}

/** Whether every `return` of `body`'s own (nested functions aside) returns nothing or a value syntax shows is no thenable. */
function everyReturnNeverThenable(body: ts.Node): boolean {
  let ok = true;
  const visit = (node: ts.Node): void => {
    if (!ok) return;
    if (ts.isReturnStatement(node)) ok = node.expression === undefined || isNeverThenableSyntax(node.expression);
    else if (!ts.isFunctionLike(node) && !ts.isClassLike(node)) forEachChild(node, visit);
  };
  forEachChild(body, visit);
  return ok;
}

function usesArguments(body: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && node.text === 'arguments') found = true;
    else if (!ts.isFunctionDeclaration(node) && !ts.isFunctionExpression(node)) forEachChild(node, visit);
  };
  forEachChild(body, visit);
  return found;
}

/** The two fixes for `array.forEach(async (x) => ...)` as a statement in an async function. */
function forEachFixes(call: ts.CallExpression, fn: FunctionExpression, types: TypeScriptTypes): Fix[] {
  const { checker, sourceFile } = types;
  const statement = forEachStatement(call);
  if (statement === undefined || call.arguments.length !== 1) return [];
  const scope = executionScope(statement);
  if (scope.kind !== 'function' || !scope.isAsync || !isInFunctionBody(statement, scope.node)) return [];
  const callee = call.expression as ts.PropertyAccessExpression;
  const receiverType = checker.getTypeAtLocation(callee.expression);
  if (!checker.isArrayType(receiverType) && !checker.isTupleType(receiverType)) return [];
  const start = call.getStart(sourceFile);
  const end = call.getEnd();
  const fixes: Fix[] = [
    {
      title: 'Run them concurrently: `await Promise.all(array.map(...))`',
      safety: 'unsafe',
      edits: [
        { start, end: start, newText: 'await Promise.all(' },
        { start: callee.name.getStart(sourceFile), end: callee.name.getEnd(), newText: 'map' },
        { start: end, end, newText: ')' },
      ],
    },
  ];
  // `for (const x of array) { ... }`: one parameter, an async arrow, no `return` or `arguments`.
  const [parameter] = fn.parameters;
  if (
    ts.isArrowFunction(fn) &&
    isAsyncFunction(fn) &&
    fn.parameters.length === 1 &&
    parameter.dotDotDotToken === undefined &&
    parameter.initializer === undefined &&
    !hasOwnReturn(fn.body) &&
    !usesArguments(fn.body)
  ) {
    const binding = parameter.name.getText(sourceFile);
    const receiver = callee.expression.getText(sourceFile);
    const body = ts.isBlock(fn.body) ? fn.body.getText(sourceFile) : `{ await ${fn.body.getText(sourceFile)}; }`;
    const statementStart = statement.getStart(sourceFile);
    fixes.push({
      title: 'Run them one after another: `for (const x of array)` with `await`',
      safety: 'unsafe',
      edits: [{ start: statementStart, end: statement.getEnd(), newText: `for (const ${binding} of ${receiver}) ${body}` }],
    });
  }
  return fixes;
}

const VOID_CALLBACK_MESSAGE =
  'This async function is passed where a function returning `void` is expected: nothing awaits the promise it ' +
  'returns, so its rejection is lost and its work is not waited for.';
const FOR_EACH_MESSAGE =
  '`forEach` does not wait for an async callback: the iterations run unawaited and their rejections are lost. ' +
  'Use `await Promise.all(array.map(...))` or a `for...of` loop with `await`.';

function runTyped(context: TypeScriptCheckContext, types: TypeScriptTypes): void {
  const { checker, sourceFile } = types;

  const isPromiseFunction = (expression: ts.Expression): boolean => {
    if (isFunctionExpression(expression) && expression.asteriskToken === undefined) {
      // Certain from syntax, so the checker never infers the body's return type (the costliest
      // question here, as it resolves the call the function is passed to): an async function
      // always returns a Promise; a function whose return type annotation, or every returned
      // value, is never a thenable (no `return` of a value at all: `void`) returns none.
      if (isAsyncFunction(expression)) return true;
      if (expression.type !== undefined) {
        if (isNeverThenableTypeNode(expression.type)) return false;
      } else if (ts.isBlock(expression.body)) {
        if (everyReturnNeverThenable(expression.body)) return false;
      } else {
        if (isNeverThenableSyntax(expression.body)) return false;
        // `(x) => call(x)` returns the type of its body: asking for that one alone does not make
        // the checker resolve the call this function is an argument of (the function's own type
        // does, to type it contextually).
        return isThenableType(checker, checker.getTypeAtLocation(expression.body), expression);
      }
    }
    const type = checker.getTypeAtLocation(expression);
    return returnsThenable(checker, type, expression);
  };

  const expectsVoidFunction = (expression: ts.Expression): boolean => {
    const contextual = checker.getContextualType(expression);
    return contextual !== undefined && allReturnVoid(checker, callSignaturesOf(contextual));
  };

  /** A function value in a position that gives it a contextual type: argument, JSX prop, member... */
  const inspectFunctionValue = (value: ts.Expression, mayExpectVoid?: () => boolean): void => {
    const node = skipWrappers(value);
    const isFunction = isFunctionExpression(node);
    if (!isFunction && !ts.isIdentifier(node) && !ts.isPropertyAccessExpression(node)) return;
    const call = ts.isCallExpression(value.parent) ? value.parent : undefined;
    const callee = call === undefined ? undefined : skipWrappers(call.expression);
    const isForEach =
      call !== undefined && callee !== undefined && ts.isPropertyAccessExpression(callee) && callee.name.text === 'forEach' && call.arguments[0] === value;
    // The cheap half of `expectsVoidFunction` first: typing an argument (a local's initializer, a
    // callback's body) costs more than reading the callee's declared parameters.
    if (!isForEach && mayExpectVoid !== undefined && !mayExpectVoid()) return;
    if (!isPromiseFunction(node)) return;
    if (!expectsVoidFunction(value)) {
      // `forEach` on an untyped receiver (plain JavaScript): no callback ever gets awaited by it.
      const contextual = checker.getContextualType(value);
      const untyped = contextual === undefined || (contextual.flags & ts.TypeFlags.Any) !== 0;
      if (!(isForEach && untyped && isFunction && isAsyncFunction(node))) return;
    }
    const range = isFunction ? headRange(node, sourceFile) : { start: node.getStart(sourceFile), end: node.getEnd() };
    const fixes = isForEach && isFunction && call !== undefined && forEachStatement(call) !== undefined ? forEachFixes(call, node, types) : [];
    context.report({ ...range, message: isForEach ? FOR_EACH_MESSAGE : VOID_CALLBACK_MESSAGE, ...(fixes.length > 0 ? { fixes } : {}) });
  };

  const inspectCall = (call: ts.CallExpression | ts.NewExpression): void => {
    // `new Promise(async ...)` is async-promise-executor's.
    if (ts.isNewExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === 'Promise') return;
    const args = call.arguments ?? [];
    let signatures: readonly ts.Signature[] | undefined;
    args.forEach((argument, index) =>
      inspectFunctionValue(argument, () => {
        signatures ??= calleeSignatures(call);
        return argumentMayExpectFunction(signatures, args, index);
      }),
    );
  };

  /** The callee's own signatures (call or construct), before overload resolution. */
  const calleeSignatures = (call: ts.CallExpression | ts.NewExpression): readonly ts.Signature[] => {
    const callee = checker.getApparentType(checker.getNonNullableType(checker.getTypeAtLocation(call.expression)));
    return ts.isNewExpression(call) ? callee.getConstructSignatures() : callee.getCallSignatures();
  };

  /**
   * Whether the parameter an argument lands on may, in some signature of the callee, be a function
   * type (or a type that inference could turn into one): if in none, the argument's contextual
   * type has no call signature and it cannot be expected to return `void`. Unsure: true.
   */
  const argumentMayExpectFunction = (signatures: readonly ts.Signature[], args: readonly ts.Expression[], index: number): boolean => {
    if (signatures.length === 0 || args.some((argument) => ts.isSpreadElement(argument))) return true;
    return signatures.some((signature) => {
      const parameters = signature.getParameters();
      for (const parameter of parameters) {
        const declaration = parameter.valueDeclaration;
        if (declaration === undefined || !ts.isParameter(declaration) || declaration.dotDotDotToken !== undefined) return true;
      }
      if (index >= parameters.length) return false;
      return mayBeFunctionType(checker.getTypeOfSymbol(parameters[index]));
    });
  };

  /** A class member that returns a promise where a base class or interface declares `void`. */
  const inspectClass = (declaration: ts.ClassLikeDeclaration): void => {
    const heritage = declaration.heritageClauses ?? [];
    if (heritage.length === 0) return;
    const bases: ts.Type[] = heritage.flatMap((clause) => clause.types.map((t) => checker.getTypeAtLocation(t)));
    for (const member of declaration.members) {
      const name = member.name;
      if (name === undefined || !(ts.isIdentifier(name) || ts.isStringLiteral(name))) continue;
      if (ts.canHaveModifiers(member) && ts.getModifiers(member)?.some((m) => m.kind === SyntaxKind.StaticKeyword) === true) continue;
      let fnType: ts.Type;
      if (ts.isMethodDeclaration(member) && member.body !== undefined) fnType = checker.getTypeAtLocation(member);
      else if (ts.isPropertyDeclaration(member) && member.initializer !== undefined && isFunctionExpression(skipWrappers(member.initializer)))
        fnType = checker.getTypeAtLocation(member.initializer);
      else continue;
      if (!returnsThenable(checker, fnType, member)) continue;
      const overridesVoid = bases.some((base) => {
        const property = base.getProperty(name.text);
        if (property === undefined) return false;
        return allReturnVoid(checker, callSignaturesOf(checker.getTypeOfSymbolAtLocation(property, member)));
      });
      if (!overridesVoid) continue;
      context.report({
        start: name.getStart(sourceFile),
        end: name.getEnd(),
        message:
          `\`${name.text}\` returns a promise, but the type it implements declares it as returning \`void\`: ` +
          'callers through that type will not await it, and its rejection is lost.',
      });
    }
  };

  const inspectCondition = (expression: ts.Expression): void => {
    const node = skipWrappers(expression);
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === SyntaxKind.AmpersandAmpersandToken || operator === SyntaxKind.BarBarToken) {
        inspectCondition(node.left);
        inspectCondition(node.right);
        return;
      }
    }
    if (ts.isPrefixUnaryExpression(node) && node.operator === SyntaxKind.ExclamationToken) {
      inspectCondition(node.operand);
      return;
    }
    // A comparison, a literal...: never a promise, no need to type it.
    if (isNeverThenableSyntax(node) || !isAlwaysThenable(checker, checker.getTypeAtLocation(node), node)) return;
    context.report({
      start: node.getStart(sourceFile),
      end: node.getEnd(),
      message: 'A promise is used as a condition: it is always truthy, whatever it resolves to. Did you mean to `await` it?',
    });
  };

  const inspectSpread = (expression: ts.Expression): void => {
    if (isNeverThenableSyntax(expression) || !isAlwaysThenable(checker, checker.getTypeAtLocation(expression), expression)) return;
    context.report({
      start: expression.getStart(sourceFile),
      end: expression.getEnd(),
      message: 'A promise is spread into an object: that copies none of what it resolves to. `await` it first.',
    });
  };

  const focus = context.parsed.focus;
  const visit = (node: ts.Node): void => {
    if (!inFocus(focus, node)) {
      // Focused on an edited body: only its nodes are inspected (see Focus).
      if (reachesFocus(focus, node)) forEachChild(node, visit);
      return;
    }
    switch (node.kind) {
      case SyntaxKind.CallExpression:
      case SyntaxKind.NewExpression:
        inspectCall(node as ts.CallExpression | ts.NewExpression);
        break;
      case SyntaxKind.JsxAttribute: {
        const initializer = (node as ts.JsxAttribute).initializer;
        if (initializer !== undefined && ts.isJsxExpression(initializer) && initializer.expression !== undefined) inspectFunctionValue(initializer.expression);
        break;
      }
      case SyntaxKind.PropertyAssignment:
        if (ts.isObjectLiteralExpression(node.parent)) inspectFunctionValue((node as ts.PropertyAssignment).initializer);
        break;
      case SyntaxKind.VariableDeclaration: {
        const declaration = node as ts.VariableDeclaration;
        if (declaration.type !== undefined && declaration.initializer !== undefined) inspectFunctionValue(declaration.initializer);
        break;
      }
      case SyntaxKind.BinaryExpression: {
        const binary = node as ts.BinaryExpression;
        if (binary.operatorToken.kind === SyntaxKind.EqualsToken && !ts.isIdentifier(binary.left)) inspectFunctionValue(binary.right);
        break;
      }
      case SyntaxKind.ClassDeclaration:
      case SyntaxKind.ClassExpression:
        inspectClass(node as ts.ClassLikeDeclaration);
        break;
      case SyntaxKind.IfStatement:
      case SyntaxKind.WhileStatement:
      case SyntaxKind.DoStatement:
        inspectCondition((node as ts.IfStatement | ts.WhileStatement | ts.DoStatement).expression);
        break;
      case SyntaxKind.ForStatement: {
        const condition = (node as ts.ForStatement).condition;
        if (condition !== undefined) inspectCondition(condition);
        break;
      }
      case SyntaxKind.ConditionalExpression:
        inspectCondition((node as ts.ConditionalExpression).condition);
        break;
      case SyntaxKind.PrefixUnaryExpression: {
        const unary = node as ts.PrefixUnaryExpression;
        // `!promise` outside a condition (inside one, inspectCondition sees it).
        if (unary.operator === SyntaxKind.ExclamationToken && !isInConditionPosition(unary)) inspectCondition(unary.operand);
        break;
      }
      case SyntaxKind.SpreadAssignment:
        inspectSpread((node as ts.SpreadAssignment).expression);
        break;
      case SyntaxKind.JsxSpreadAttribute:
        inspectSpread((node as ts.JsxSpreadAttribute).expression);
        break;
      default:
        break;
    }
    forEachChild(node, visit);
  };
  visit(sourceFile);
}

/** Whether a declared parameter type has a call signature, or may get one once type parameters are inferred. */
function mayBeFunctionType(type: ts.Type): boolean {
  const parts = type.isUnionOrIntersection() ? type.types : [type];
  return parts.some(
    (part) =>
      part.getCallSignatures().length > 0 ||
      (part.flags & ts.TypeFlags.Instantiable) !== 0 ||
      ((part.flags & ts.TypeFlags.Object) !== 0 && ((part as ts.ObjectType).objectFlags & ts.ObjectFlags.Mapped) !== 0) ||
      (part.isUnionOrIntersection() && mayBeFunctionType(part)),
  );
}

/** Whether `node` sits (through `!`, `&&`, `||`, parentheses) in the test of an if/while/for/?: */
function isInConditionPosition(node: ts.Expression): boolean {
  let child: ts.Node = node;
  for (let current = node.parent; ; child = current, current = current.parent) {
    if (ts.isParenthesizedExpression(current) || (ts.isPrefixUnaryExpression(current) && current.operator === SyntaxKind.ExclamationToken)) continue;
    if (ts.isBinaryExpression(current) && (current.operatorToken.kind === SyntaxKind.AmpersandAmpersandToken || current.operatorToken.kind === SyntaxKind.BarBarToken)) continue;
    if (ts.isIfStatement(current) || ts.isWhileStatement(current) || ts.isDoStatement(current)) return current.expression === child;
    if (ts.isForStatement(current)) return current.condition === child;
    if (ts.isConditionalExpression(current)) return current.condition === child;
    return false;
  }
}

/** Without types: `x.forEach(async ...)` and the global timers with an async callback. */
function runSyntactic(context: TypeScriptCheckContext): void {
  const { sourceFile } = context.parsed;
  const bindings = bindingsOf(context.parsed);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = skipWrappers(node.expression);
      const callback = node.arguments[0] === undefined ? undefined : skipWrappers(node.arguments[0]);
      if (callback !== undefined && isFunctionExpression(callback) && isAsyncFunction(callback)) {
        const isForEach = ts.isPropertyAccessExpression(callee) && callee.name.text === 'forEach';
        const resolved = isForEach ? undefined : bindings.resolve(callee);
        const isTimer = resolved !== undefined && resolved.module === undefined && (resolved.qualified === 'setTimeout' || resolved.qualified === 'setInterval');
        if (isForEach || isTimer) {
          context.report({ ...headRange(callback, sourceFile), message: isForEach ? FOR_EACH_MESSAGE : VOID_CALLBACK_MESSAGE });
        }
      }
    }
    forEachChild(node, visit);
  };
  visit(sourceFile);
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
