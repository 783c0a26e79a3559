import ts from 'typescript';
import rule from '../../../rules/sequential-await-in-loop';
import { skipWrappers } from '../facts/bindings';
import { boundNames, forEachOwnNode, isValueReference } from '../facts/functions';
import { executionScope } from '../facts/scope';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';

/**
 * An `await` in a `for…of` (or counting `for`) loop of an async function whose iterations are
 * independent, so they could run concurrently. Precision first: a loop counts as independent only
 * when syntax shows it —
 * - every `await` the loop runs depends on the iteration's own element or counter;
 * - the body writes no variable declared outside it (no `total += …`, no `last = …`), does no
 *   compound update of outside state, and only *collects* into outside collections
 *   (`results.push(…)`, `map.set(…)`) that it does not otherwise read;
 * - nothing stops the loop early (`break`, `return`, `yield`);
 * - nothing suggests order or pacing matters: no sleeps, delays or retries, no awaited call of the
 *   element itself (`await step()`, `await migration.up()`), no awaited writes or sends
 *   (`stream.write`, `socket.send`), no queue consumption (`shift`, `pop`).
 * `while` and `do…while` loops are never flagged: their condition is state carried from one
 * iteration to the next by definition.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

const PACING = /^wait|sleep|delay|setTimeout|throttle|rateLimit|limiter|retry|backoff|pause/i;
const ORDERED_METHODS: ReadonlySet<string> = new Set([
  'write', 'writeln', 'send', 'append', 'appendFile', 'pipe', 'emit', 'publish', 'flush', 'print', 'enqueue', 'exec',
  'execute', 'run', 'step', 'apply', 'migrate', 'up', 'down', 'commit', 'rollback', 'lock', 'acquire', 'release', 'next', 'read',
  'transaction', 'sendMessage', 'postMessage', 'click', 'type', 'press', 'fill', 'goto',
]);
const COLLECTING_METHODS: ReadonlySet<string> = new Set(['push', 'set', 'add']);
const CONSUMING_METHODS: ReadonlySet<string> = new Set(['shift', 'pop', 'splice', 'unshift', 'sort', 'reverse', 'clear', 'delete']);

type Loop = ts.ForOfStatement | ts.ForStatement;

function isLoop(node: ts.Node): node is ts.IterationStatement {
  return ts.isForOfStatement(node) || ts.isForStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node);
}

/** The loop that directly runs `node` (nearest enclosing loop in the same function). */
function nearestLoop(node: ts.Node): ts.IterationStatement | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (ts.isFunctionLike(current) || ts.isClassLike(current)) return undefined;
    if (isLoop(current)) {
      // The expression a `for…of` iterates is evaluated once, outside the iterations.
      if (ts.isForOfStatement(current) && node.pos >= current.expression.pos && node.end <= current.expression.end) continue;
      return current;
    }
  }
  return undefined;
}

/** Names declared anywhere inside `root` (variables, functions, classes, catch bindings, parameters of nested functions). */
function declaredInside(root: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) names.add(node.name.text);
    else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name !== undefined) names.add(node.name.text);
    forEachChild(node, visit);
  };
  visit(root);
  return names;
}

/** Identifiers written by an assignment target (`a = …`, `[a, b] = …`, `({ a } = …)`). */
function assignedIdentifiers(target: ts.Expression, out: ts.Identifier[]): void {
  const node = skipWrappers(target);
  if (ts.isIdentifier(node)) out.push(node);
  else if (ts.isArrayLiteralExpression(node)) for (const element of node.elements) assignedIdentifiers(ts.isSpreadElement(element) ? element.expression : element, out);
  else if (ts.isObjectLiteralExpression(node)) {
    for (const property of node.properties) {
      if (ts.isShorthandPropertyAssignment(property)) out.push(property.name);
      else if (ts.isPropertyAssignment(property)) assignedIdentifiers(property.initializer, out);
      else if (ts.isSpreadAssignment(property)) assignedIdentifiers(property.expression, out);
    }
  } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === SyntaxKind.EqualsToken) assignedIdentifiers(node.left, out);
}

/** The identifier at the root of `a.b[c].d`, or undefined (`this.x`, `f().x`). */
function rootIdentifier(expression: ts.Expression): ts.Identifier | undefined {
  let node = skipWrappers(expression);
  while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) node = skipWrappers(node.expression);
  return ts.isIdentifier(node) ? node : undefined;
}

function referencesName(root: ts.Node, names: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && names.has(node.text) && isValueReference(node)) found = true;
    else if (ts.isShorthandPropertyAssignment(node) && names.has(node.name.text)) found = true;
    else forEachChild(node, visit);
  };
  visit(root);
  return found;
}

const ASSIGNMENT_FIRST = SyntaxKind.FirstAssignment;
const ASSIGNMENT_LAST = SyntaxKind.LastAssignment;

/** Why a loop's iterations may depend on each other, or undefined when they look independent. */
function isIndependent(loop: Loop, awaits: readonly ts.AwaitExpression[]): boolean {
  const iterationNames = new Set<string>();
  if (ts.isForOfStatement(loop)) {
    if (!ts.isVariableDeclarationList(loop.initializer)) return false;
    for (const declaration of loop.initializer.declarations) for (const name of boundNames(declaration.name)) iterationNames.add(name);
  } else {
    // `for (let i = 0; i < n; i++)`: counters declared here, updated only by the incrementor.
    if (loop.initializer === undefined || !ts.isVariableDeclarationList(loop.initializer) || loop.incrementor === undefined || loop.condition === undefined) return false;
    // Counting to a number (`i <= steps`) is usually a sequence of steps or attempts; only walking a collection counts.
    if (!walksCollection(loop.condition)) return false;
    for (const declaration of loop.initializer.declarations) for (const name of boundNames(declaration.name)) iterationNames.add(name);
    let incrementOnly = true;
    const checkIncrement = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isAwaitExpression(node)) incrementOnly = false;
      forEachChild(node, checkIncrement);
    };
    checkIncrement(loop.incrementor);
    if (!incrementOnly || containsAwait(loop.condition) || containsAwait(loop.incrementor)) return false;
  }
  if (iterationNames.size === 0) return false;
  const body = loop.statement;
  const local = declaredInside(body);
  const elementNames = new Set(iterationNames);
  // Locals computed from the element count as the element: `const url = base + item.id`.
  for (let pass = 0; pass < 2; pass++) {
    const visitDeclarations = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && node.initializer !== undefined && referencesName(node.initializer, iterationNames)) {
        for (const name of boundNames(node.name)) iterationNames.add(name);
      }
      forEachChild(node, visitDeclarations);
    };
    visitDeclarations(body);
  }

  // Every await depends on the iteration's element or counter.
  if (!awaits.every((a) => referencesName(a.expression, iterationNames))) return false;

  let independent = true;
  const receivers = new Map<string, number>(); // outside names used as collectors, with their use count
  const visit = (node: ts.Node): void => {
    if (!independent) return;
    switch (node.kind) {
      case SyntaxKind.ReturnStatement:
      case SyntaxKind.YieldExpression:
        if (nearestFunctionIsLoopFunction(node, loop)) independent = false;
        break;
      case SyntaxKind.BreakStatement:
      case SyntaxKind.ContinueStatement:
        if (breaksOut(node as ts.BreakOrContinueStatement, loop)) independent = false;
        break;
      case SyntaxKind.PrefixUnaryExpression:
      case SyntaxKind.PostfixUnaryExpression: {
        const unary = node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
        if (unary.operator === SyntaxKind.PlusPlusToken || unary.operator === SyntaxKind.MinusMinusToken) {
          const root = rootIdentifier(unary.operand);
          if (root === undefined || !local.has(root.text)) independent = false;
        }
        break;
      }
      case SyntaxKind.BinaryExpression: {
        const binary = node as ts.BinaryExpression;
        const operator = binary.operatorToken.kind;
        if (operator < ASSIGNMENT_FIRST || operator > ASSIGNMENT_LAST) break;
        const target = skipWrappers(binary.left);
        if (operator !== SyntaxKind.EqualsToken || ts.isIdentifier(target) || ts.isArrayLiteralExpression(target) || ts.isObjectLiteralExpression(target)) {
          const written: ts.Identifier[] = [];
          if (operator === SyntaxKind.EqualsToken) assignedIdentifiers(target, written);
          else {
            const root = rootIdentifier(target);
            if (root === undefined || !local.has(root.text)) independent = false;
          }
          if (written.some((w) => !local.has(w.text))) independent = false;
        } else {
          // `obj[key] = value` into outside state: fine when keyed by the iteration; `this.last = …` is not.
          const root = rootIdentifier(target);
          if (root !== undefined && local.has(root.text)) break;
          if (!(ts.isElementAccessExpression(target) && referencesName(target.argumentExpression, iterationNames))) independent = false;
        }
        break;
      }
      case SyntaxKind.CallExpression: {
        const call = node as ts.CallExpression;
        const callee = skipWrappers(call.expression);
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        if (PACING.test(name)) independent = false;
        if (ts.isPropertyAccessExpression(callee)) {
          const root = rootIdentifier(callee.expression);
          const outside = root !== undefined && !local.has(root.text) && !iterationNames.has(root.text);
          if (outside && CONSUMING_METHODS.has(name)) independent = false;
          const onThis = root === undefined && isRootedAtThis(callee.expression);
          if (onThis && CONSUMING_METHODS.has(name)) independent = false;
          if ((outside || onThis) && COLLECTING_METHODS.has(name)) {
            const key = skipWrappers(callee.expression).getText();
            receivers.set(key, (receivers.get(key) ?? 0) + 1);
          }
        }
        break;
      }
      case SyntaxKind.AwaitExpression: {
        const operand = skipWrappers((node as ts.AwaitExpression).expression);
        if (ts.isCallExpression(operand)) {
          const callee = skipWrappers(operand.expression);
          const root = rootIdentifier(callee);
          // `await step()`, `await listener[event]()`: running the elements themselves, in order.
          if (root !== undefined && elementNames.has(root.text)) independent = false;
          // `await this.move(x, y)`: steps of the object's own state machine, usually ordered.
          if (isRootedAtThis(callee)) independent = false;
          if (ts.isPropertyAccessExpression(callee) && ORDERED_METHODS.has(callee.name.text)) independent = false;
          if (ts.isIdentifier(callee) && ORDERED_METHODS.has(callee.text)) independent = false;
        }
        break;
      }
      default:
        break;
    }
    forEachChild(node, visit);
  };
  visit(body);
  if (!independent) return false;
  // A collector read anywhere else in the loop (`if (!seen.has(x)) seen.add(x)`) carries state.
  const bodyText = body.getText();
  for (const [receiver, uses] of receivers) {
    const escaped = receiver.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if ((bodyText.match(new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])`, 'g'))?.length ?? 0) > uses) return false;
  }
  return true;
}

function isRootedAtThis(expression: ts.Expression): boolean {
  let node = skipWrappers(expression);
  while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) node = skipWrappers(node.expression);
  return node.kind === SyntaxKind.ThisKeyword || node.kind === SyntaxKind.SuperKeyword;
}

/** `i < items.length` (or `<=`, or reversed): the counter walks a collection. */
function walksCollection(condition: ts.Expression): boolean {
  const node = skipWrappers(condition);
  if (!ts.isBinaryExpression(node)) return false;
  const isLength = (e: ts.Expression): boolean => {
    const inner = skipWrappers(e);
    return ts.isPropertyAccessExpression(inner) && (inner.name.text === 'length' || inner.name.text === 'size');
  };
  return isLength(node.left) || isLength(node.right);
}

function containsAwait(node: ts.Node): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(child)) found = true;
    else if (!ts.isFunctionLike(child)) forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** Whether `node` runs in the same function as the loop (a `return` in a callback does not end the loop). */
function nearestFunctionIsLoopFunction(node: ts.Node, loop: Loop): boolean {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (current === loop) return true;
    if (ts.isFunctionLike(current)) return false;
  }
  return false;
}

/** Whether a `break` leaves `loop` (unlabelled with `loop` as its nearest breakable, or labelled with its label). */
function breaksOut(statement: ts.BreakOrContinueStatement, loop: Loop): boolean {
  if (!nearestFunctionIsLoopFunction(statement, loop)) return false;
  if (statement.kind === SyntaxKind.ContinueStatement && statement.label === undefined) return false;
  if (statement.label !== undefined) {
    // A labelled jump leaves the loop unless its label belongs to a statement inside the loop.
    const label = statement.label.text;
    for (let current = statement.parent; current !== undefined && current !== loop; current = current.parent) {
      if (ts.isLabeledStatement(current) && current.label.text === label) return false;
    }
    return true;
  }
  for (let current = statement.parent; current !== undefined; current = current.parent) {
    if (current === loop) return true;
    if (isLoop(current) || ts.isSwitchStatement(current)) return false;
  }
  return false;
}

/**
 * Focusable: a finding depends on its loop's own subtree and whether the enclosing function is
 * async; a loop outside an edited body never contains it.
 */
const check: FocusableCheck = {
  rule,
  focusable: 'syntax',
  run(context) {
    const { sourceFile, focus } = context.parsed;
    if (!sourceFile.text.includes('await')) return;

    const inspect = (loop: Loop): void => {
      if (ts.isForOfStatement(loop) && loop.awaitModifier !== undefined) return;
      if (!executionScope(loop).isAsync) return;
      const awaits: ts.AwaitExpression[] = [];
      forEachOwnNode(loop.statement, (node) => {
        if (ts.isAwaitExpression(node) && nearestLoop(node) === loop) awaits.push(node);
      });
      if (awaits.length === 0 || !isIndependent(loop, awaits)) return;
      const first = awaits[0];
      context.report({
        start: first.getStart(sourceFile),
        end: first.getEnd(),
        message:
          'This `await` runs the loop\'s iterations one after another, though they do not depend on each other; start them ' +
          'together (`await Promise.all(items.map(...))` with a shared `AbortController`, the TaskGroup pattern) unless order or rate limits matter.',
      });
    };

    const visit = (node: ts.Node): void => {
      if (!reachesFocus(focus, node)) return;
      if ((node.kind === SyntaxKind.ForOfStatement || node.kind === SyntaxKind.ForStatement) && inFocus(focus, node)) inspect(node as Loop);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
