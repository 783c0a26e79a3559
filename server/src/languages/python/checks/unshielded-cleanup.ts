import type { Node } from 'web-tree-sitter';
import rule from '../../../rules/unshielded-cleanup';
import { clauseCatchesCancellation, importsTrio } from '../facts/cancellation';
import { asyncioReference } from '../facts/edits';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { ancestorsInFunction, clauseBody, exceptClauses, finallyClause, namedChildren, suspensionsIn } from '../facts/flow';
import { field } from '../facts/nodes';
import { keywordArgument, positionalArguments } from '../facts/objects';
import type { Scope } from '../facts/scopes';
import type { PythonCheck, PythonCheckContext } from '../parsed';

/** Awaits that need no protection: yielding to the loop, or already shielded. */
const HARMLESS: ReadonlySet<string> = new Set(['asyncio.sleep', 'asyncio.shield']);

/** Waiting for tasks that already run (typically just cancelled): shielding the wait adds nothing. */
const WAITERS: ReadonlySet<string> = new Set(['asyncio.gather', 'asyncio.wait', 'asyncio.wait_for']);

function operandOf(awaitNode: Node): Node | undefined {
  let operand: Node | null | undefined = awaitNode.namedChildren.find((c) => c !== null && c.type !== 'comment');
  while (operand?.type === 'parenthesized_expression') operand = operand.firstNamedChild;
  return operand ?? undefined;
}

/** The awaited call that should be shielded, or undefined when this await is fine as it is. */
function unshielded(facts: PythonFacts, awaitNode: Node, scope: Scope): Node | undefined {
  const operand = operandOf(awaitNode);
  // `await task` / `await self._future`: waiting for work that runs anyway.
  if (operand?.type !== 'call') return undefined;
  const qualified = facts.qualifiedName(operand, scope);
  if (qualified !== undefined && HARMLESS.has(qualified)) return undefined;
  if (qualified !== undefined && WAITERS.has(qualified)) {
    const args = positionalArguments(operand);
    const splats = field(operand, 'arguments')?.namedChildren.filter((c) => c?.type === 'list_splat') ?? [];
    const startsWork = args.some((a) => a.type === 'call') || splats.some((s) => s?.firstNamedChild?.type !== 'identifier' && s?.firstNamedChild?.type !== 'attribute');
    if (!startsWork) return undefined;
  }
  return operand;
}

/**
 * True when the await is already protected or its cancellation is handled: inside a `with` whose
 * context manager is made with `shield=True` (anyio/trio cancel scopes), or inside a nested `try`
 * (within the cleanup) with a handler that catches cancellation (a deliberate retry loop).
 */
function isProtected(facts: PythonFacts, awaitNode: Node, region: Node, version: readonly [number, number] | undefined): boolean {
  for (const ancestor of ancestorsInFunction(awaitNode)) {
    if (ancestor.id === region.id) return false;
    if (ancestor.type === 'with_statement') {
      const clause = ancestor.namedChildren.find((c) => c?.type === 'with_clause');
      for (const item of clause ? namedChildren(clause) : []) {
        const value = field(item, 'value');
        const call = value?.type === 'as_pattern' ? value.firstNamedChild : value;
        if (call?.type === 'call' && keywordArgument(call, 'shield')?.childForFieldName('value')?.text === 'True') return true;
      }
    }
    if (ancestor.type === 'block' && ancestor.parent?.type === 'try_statement') {
      for (const clause of exceptClauses(ancestor.parent)) if (clauseCatchesCancellation(facts, clause, version).length > 0) return true;
    }
  }
  return false;
}

function report(context: PythonCheckContext, facts: PythonFacts, call: Node, scope: Scope, where: 'finally' | 'handler'): void {
  const asyncio = asyncioReference(facts, context.source, scope);
  const text = context.source.text.slice(call.startIndex, call.endIndex);
  const place = where === 'finally' ? 'a `finally:` block' : 'a cancellation handler';
  context.report({
    start: call.startIndex,
    end: call.endIndex,
    message:
      `This await in ${place} can itself be cancelled (a second \`cancel()\`, a timeout or TaskGroup shutdown), ` +
      'leaving the cleanup half done; wrap critical cleanup in `asyncio.shield(...)`.',
    fixes:
      asyncio === undefined || call.hasError
        ? []
        : [
            {
              title: `Wrap in \`${asyncio.name}.shield(...)\``,
              safety: 'unsafe',
              edits: [...asyncio.edits, { start: call.startIndex, end: call.endIndex, newText: `${asyncio.name}.shield(${text})` }],
            },
          ],
  });
}

const check: PythonCheck = {
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    if (importsTrio(facts)) return;
    const version = context.project.pythonVersion;
    const seen = new Set<number>();
    for (const { node: tryStatement, scope } of facts.tryStatements) {
      if (!scope.isAsync) continue;
      const regions: { body: Node; where: 'finally' | 'handler' }[] = [];
      const final = finallyClause(tryStatement);
      const finalBody = final === undefined ? undefined : clauseBody(final);
      if (finalBody !== undefined) regions.push({ body: finalBody, where: 'finally' });
      for (const clause of exceptClauses(tryStatement)) {
        const body = clauseBody(clause);
        if (body !== undefined && clauseCatchesCancellation(facts, clause, version).length > 0) regions.push({ body, where: 'handler' });
      }
      for (const { body, where } of regions) {
        for (const site of suspensionsIn(facts, body, scope.functionNode)) {
          if (site.node.type !== 'await' || seen.has(site.node.id)) continue;
          seen.add(site.node.id);
          if (isProtected(facts, site.node, body, version)) continue;
          const call = unshielded(facts, site.node, site.scope);
          if (call !== undefined) report(context, facts, call, site.scope, where);
        }
      }
    }
  },
};

export default check;
