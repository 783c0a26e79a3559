import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'swallowed-cancellation',
  summary: 'A handler in async code catches asyncio.CancelledError (directly, or via bare except / BaseException) and does not re-raise it.',
  languages: ['python'],
  defaultSeverity: 'warning',
  fixSafety: 'unsafe',
  guideSection: '3 Graceful Cancellation',
  equivalents: [
    { tool: 'flake8-async', rule: 'ASYNC103' },
    { tool: 'flake8-async', rule: 'ASYNC104' },
  ],
});
