import type { Node } from 'web-tree-sitter';
import type { PythonFacts } from './facts';
import { ancestorsInFunction, caughtExpression, exceptClauses, methodCallsIn, namedChildren, statementsOf, suspensionsIn } from './flow';
import { field } from './nodes';
import type { Scope } from './scopes';

/**
 * What an `except` clause (or a `contextlib.suppress(...)`) catches, as far as task cancellation
 * goes. `explicit`: it names asyncio's `CancelledError`; `broad`: a bare `except:`,
 * `BaseException` or `BaseExceptionGroup` (which include it).
 */
export interface CancellationCatch {
  kind: 'explicit' | 'broad';
  /** Where to report: the name of the class, or the `except` keyword of a bare `except:`. */
  node: Node;
  /** How the message names what is caught. */
  label: string;
  /** True when other exception classes are caught alongside (a tuple). */
  mixed: boolean;
}

/** Names of asyncio's cancellation exception. */
const ASYNCIO_CANCELLED: ReadonlySet<string> = new Set(['asyncio.CancelledError', 'asyncio.exceptions.CancelledError']);

/**
 * `concurrent.futures.CancelledError` was the very same class as asyncio's up to Python 3.7; from
 * 3.8 on, asyncio's is its own `BaseException` subclass and the concurrent.futures one does not
 * catch task cancellation. Likewise `except Exception` caught cancellation only up to 3.7.
 */
const FUTURES_CANCELLED: ReadonlySet<string> = new Set(['concurrent.futures.CancelledError', 'concurrent.futures._base.CancelledError']);

const BROAD_BUILTINS: ReadonlySet<string> = new Set(['BaseException', 'BaseExceptionGroup']);

/** True when `name` is bound nowhere on the lookup path from `scope` (so it is the builtin). */
function isUnboundName(name: string, scope: Scope): boolean {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    if (s.bindings.has(name) || s.hasWildcardImport) return false;
  }
  return true;
}

/** True when the target Python is known to be older than 3.8. */
function before38(version: readonly [number, number] | undefined): boolean {
  return version !== undefined && (version[0] < 3 || (version[0] === 3 && version[1] < 8));
}

function classify(facts: PythonFacts, node: Node, scope: Scope, version: readonly [number, number] | undefined, depth: number): CancellationCatch[] {
  if (depth > 4) return [];
  switch (node.type) {
    case 'tuple':
    case 'parenthesized_expression':
    case 'list': {
      const parts = namedChildren(node);
      const found = parts.flatMap((part) => classify(facts, part, scope, version, depth + 1));
      if (parts.length > 1) for (const f of found) f.mixed = true;
      return found;
    }
    case 'identifier':
    case 'attribute': {
      const qualified = facts.qualifiedName(node, scope);
      if (qualified !== undefined) {
        if (ASYNCIO_CANCELLED.has(qualified)) return [{ kind: 'explicit', node, label: 'asyncio.CancelledError', mixed: false }];
        if (FUTURES_CANCELLED.has(qualified) && before38(version)) {
          return [{ kind: 'explicit', node, label: 'concurrent.futures.CancelledError', mixed: false }];
        }
        const builtin = qualified.startsWith('builtins.') ? qualified.slice(9) : undefined;
        if (builtin !== undefined && BROAD_BUILTINS.has(builtin)) return [{ kind: 'broad', node, label: builtin, mixed: false }];
        if (builtin === 'Exception' && before38(version)) return [{ kind: 'broad', node, label: 'Exception', mixed: false }];
        return [];
      }
      if (node.type === 'identifier') {
        // Exception classes are not in the builtins table: an unbound name is the builtin.
        if (isUnboundName(node.text, scope)) {
          if (BROAD_BUILTINS.has(node.text)) return [{ kind: 'broad', node, label: node.text, mixed: false }];
          if (node.text === 'Exception' && before38(version)) return [{ kind: 'broad', node, label: 'Exception', mixed: false }];
          return [];
        }
        // A name for a tuple of classes: `RETRY_ON = (OSError, asyncio.CancelledError)`.
        const assigned = facts.assignedValue(node, scope);
        if (assigned !== undefined && (assigned.value.type === 'tuple' || assigned.value.type === 'parenthesized_expression')) {
          return classify(facts, assigned.value, assigned.scope, version, depth + 1).map((f) => ({ ...f, node, mixed: true }));
        }
      }
      return [];
    }
    default:
      return [];
  }
}

/** What `clause` (an `except` / `except*` clause) catches of cancellation; empty when nothing. */
export function clauseCatchesCancellation(facts: PythonFacts, clause: Node, version: readonly [number, number] | undefined): CancellationCatch[] {
  const caught = caughtExpression(clause);
  if (caught === undefined) {
    const keyword = clause.firstChild;
    return keyword === null ? [] : [{ kind: 'broad', node: keyword, label: 'except:', mixed: false }];
  }
  return classify(facts, caught, facts.scopeOf(clause), version, 0);
}

/** What the arguments of `contextlib.suppress(...)` catch of cancellation. */
export function suppressCatchesCancellation(facts: PythonFacts, call: Node, scope: Scope, version: readonly [number, number] | undefined): CancellationCatch[] {
  const args = field(call, 'arguments');
  if (args?.type !== 'argument_list') return [];
  const parts = namedChildren(args).filter((a) => a.type !== 'keyword_argument');
  const found = parts.flatMap((part) => classify(facts, part, scope, version, 0));
  if (parts.length > 1) for (const f of found) f.mixed = true;
  return found;
}

/** True when an earlier clause of the same `try` already catches cancellation (so `clause` never sees it). */
export function earlierClauseCatches(facts: PythonFacts, clause: Node, version: readonly [number, number] | undefined): boolean {
  const tryStatement = clause.parent;
  if (tryStatement === null) return false;
  for (const other of exceptClauses(tryStatement)) {
    if (other.id === clause.id) return false;
    if (clauseCatchesCancellation(facts, other, version).length > 0) return true;
  }
  return false;
}

/** Text of an awaited operand without redundant parentheses. */
function operandText(awaitNode: Node): string | undefined {
  let operand: Node | null | undefined = awaitNode.namedChildren.find((c) => c !== null && c.type !== 'comment');
  while (operand?.type === 'parenthesized_expression') operand = operand.firstNamedChild;
  return operand?.text;
}

/**
 * The "cancel a child, then wait for it" idiom:
 *
 *     task.cancel()
 *     try:
 *         await task
 *     except asyncio.CancelledError:
 *         pass
 *
 * True when every suspension point of `region` (a `try` body or a `with suppress(...)` body) is
 * an `await x` of something whose `.cancel()` is called just before: in `region` itself or in one
 * of the few statements that precede `statement` in its block (or in the blocks around it).
 */
export function isAwaitOfCancelled(facts: PythonFacts, statement: Node, region: Node, functionNode: Node | undefined): boolean {
  const suspensions = suspensionsIn(facts, region, functionNode);
  if (suspensions.length === 0) return false;
  const cancelled = new Set<string>();
  const collect = (node: Node): void => {
    for (const call of methodCallsIn(node, 'cancel')) {
      const receiver = field(call, 'function')?.childForFieldName('object');
      if (receiver) cancelled.add(receiver.text);
    }
  };
  collect(region);
  // The statement's earlier siblings, and those of the statements around it (a few levels up).
  let current: Node = statement;
  let levels = 0;
  for (const ancestor of ancestorsInFunction(statement)) {
    if (ancestor.type === 'block' || ancestor.type === 'module') {
      const siblings = statementsOf(ancestor);
      const index = siblings.findIndex((s) => s.id === current.id);
      for (let i = Math.max(0, index - 6); i < index; i++) collect(siblings[i]);
      if (++levels >= 3) break;
    } else {
      current = ancestor;
    }
  }
  if (cancelled.size === 0) return false;
  return suspensions.every((site) => {
    if (site.node.type !== 'await') return false;
    const text = operandText(site.node);
    return text !== undefined && cancelled.has(text);
  });
}

/**
 * Modules written for trio: cancellation there is `trio.Cancelled`, delivered and shielded with
 * cancel scopes, so the asyncio cancellation rules stay out of them.
 */
export function importsTrio(facts: PythonFacts): boolean {
  for (const bindings of facts.module.bindings.values()) {
    for (const binding of bindings) if (binding.kind === 'import' && (binding.qualified === 'trio' || binding.qualified.startsWith('trio.'))) return true;
  }
  return false;
}
