import type { Fix } from '../../../engine/types';
import rule from '../../../rules/unawaited-coroutine';
import { coroutineCall } from '../facts/coroutines';
import { pythonFacts } from '../facts/facts';
import { parentOf } from '../facts/nodes';
import { mayStartStatementOrReturnValue, statementHolding } from '../facts/parents';
import { type FocusableCheck, sitesInFocus } from '../incremental';

const check: FocusableCheck = {
  focusable: true,
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    const focus = context.parsed.focus;
    for (const { node: call, scope } of sitesInFocus(facts.calls, focus)) {
      if (!mayStartStatementOrReturnValue(facts, call.startIndex)) continue;
      // With syntax errors the filter above lets every call through: find the statement without `.parent`.
      const parent = facts.table.hasError ? statementHolding(facts, call, focus) : parentOf(call);
      if (parent === null) continue;
      const statement = parent.type === 'expression_statement' && parent.namedChildCount === 1;
      const returned = parent.type === 'return_statement' && scope.isAsync;
      if (!statement && !returned) continue;
      const coroutine = coroutineCall(facts, call, scope, context.fileName);
      if (coroutine === undefined) continue;
      const fixes: Fix[] = [];
      if (scope.isAsync && !call.hasError) {
        fixes.push({
          title: 'Add `await`',
          safety: statement ? 'safe' : 'unsafe',
          edits: [{ start: call.startIndex, end: call.startIndex, newText: 'await ' }],
        });
      }
      context.report({
        start: call.startIndex,
        end: call.endIndex,
        message: statement
          ? `\`${coroutine.label}(...)\` returns a coroutine that is never awaited, so it never runs: add \`await\` (or start a task and keep it).`
          : `\`return ${coroutine.label}(...)\` in an \`async def\` hands the caller a coroutine instead of its result: \`return await ...\`.`,
        fixes,
      });
    }
  },
};

export default check;
