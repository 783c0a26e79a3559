import ts from 'typescript';

/**
 * Which function a piece of code runs in, decided from syntax alone.
 *
 * The scope that matters to the async rules is the innermost function-like node (function
 * declaration or expression, arrow function, method, accessor, constructor). A nested plain
 * function or arrow resets it: its body runs whenever it is called, not as part of the outer
 * async function. Class field initialisers and static blocks run when the class is instantiated or
 * defined, so they are their own (never async) scope. Module level is never treated as async, even
 * though ES modules allow top-level `await`.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;

export type FunctionLike =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

export type ExecutionScope =
  | { kind: 'function'; node: FunctionLike; isAsync: boolean }
  | { kind: 'class-field'; node: ts.PropertyDeclaration; isAsync: false }
  | { kind: 'static-block'; node: ts.ClassStaticBlockDeclaration; isAsync: false }
  | { kind: 'module'; node: ts.SourceFile; isAsync: false };

export function isFunctionLike(node: ts.Node): node is FunctionLike {
  switch (node.kind) {
    case SyntaxKind.FunctionDeclaration:
    case SyntaxKind.FunctionExpression:
    case SyntaxKind.ArrowFunction:
    case SyntaxKind.MethodDeclaration:
    case SyntaxKind.GetAccessor:
    case SyntaxKind.SetAccessor:
    case SyntaxKind.Constructor:
      return true;
    default:
      return false;
  }
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false);
}

/** Whether a function-like node is declared `async` (accessors and constructors never are). */
export function isAsyncFunction(node: ts.Node): boolean {
  return isFunctionLike(node) && hasModifier(node, SyntaxKind.AsyncKeyword);
}

/**
 * True when `child` (a direct child of `owner`) is evaluated outside `owner`'s own body: a
 * computed member name, a decorator or a modifier is evaluated where the class or object is.
 */
function evaluatedOutside(owner: ts.Node, child: ts.Node): boolean {
  if (ts.isDecorator(child) || ts.isModifier(child)) return true;
  return (ts.isComputedPropertyName(child) && (owner as { name?: ts.Node }).name === child);
}

/** The execution scope that `node` runs in. Walks up the parent chain (O(depth)). */
export function executionScope(node: ts.Node): ExecutionScope {
  let child: ts.Node = node;
  for (let current = node.parent; current !== undefined; child = current, current = current.parent) {
    if (isFunctionLike(current)) {
      if (evaluatedOutside(current, child)) continue;
      return { kind: 'function', node: current, isAsync: isAsyncFunction(current) };
    }
    if (ts.isPropertyDeclaration(current) && child === current.initializer) {
      return { kind: 'class-field', node: current, isAsync: false };
    }
    if (ts.isClassStaticBlockDeclaration(current)) {
      return { kind: 'static-block', node: current, isAsync: false };
    }
    if (ts.isSourceFile(current)) return { kind: 'module', node: current, isAsync: false };
  }
  // `node` is the source file itself, or a detached node.
  const file = ts.isSourceFile(node) ? node : node.getSourceFile();
  return { kind: 'module', node: file, isAsync: false };
}

/** Whether `node` runs directly inside an `async` function (see `executionScope`). */
export function isInAsyncFunction(node: ts.Node): boolean {
  return executionScope(node).isAsync;
}

/**
 * Whether `node` is inside `fn`'s body rather than its parameter list. A default parameter value
 * may not contain `await`, so fixes that add one must check this first.
 */
export function isInFunctionBody(node: ts.Node, fn: FunctionLike): boolean {
  const body = fn.body;
  if (body === undefined) return false;
  return node.pos >= body.pos && node.end <= body.end;
}

/** What `this` refers to at `node`, when it is a class instance (or the class, in static code). */
export interface ThisClass {
  declaration: ts.ClassLikeDeclaration;
  isStatic: boolean;
}

export function thisClassAt(node: ts.Node): ThisClass | undefined {
  let child: ts.Node = node;
  for (let current = node.parent; current !== undefined; child = current, current = current.parent) {
    if (ts.isArrowFunction(current)) continue; // arrows see the outer `this`
    if (ts.isFunctionDeclaration(current) || ts.isFunctionExpression(current)) return undefined;
    if (ts.isSourceFile(current)) return undefined;
    const isMember =
      ts.isMethodDeclaration(current) ||
      ts.isGetAccessorDeclaration(current) ||
      ts.isSetAccessorDeclaration(current) ||
      ts.isConstructorDeclaration(current) ||
      (ts.isPropertyDeclaration(current) && child === current.initializer) ||
      ts.isClassStaticBlockDeclaration(current);
    if (!isMember) continue;
    if (evaluatedOutside(current, child)) continue;
    if (!ts.isClassLike(current.parent)) return undefined; // an object literal method
    const isStatic = ts.isClassStaticBlockDeclaration(current) || hasModifier(current, SyntaxKind.StaticKeyword);
    return { declaration: current.parent, isStatic };
  }
  return undefined;
}
