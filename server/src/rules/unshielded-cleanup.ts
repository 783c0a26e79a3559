import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'unshielded-cleanup',
  summary: 'An await in a finally block or a cancellation handler can itself be cancelled: protect critical cleanup with asyncio.shield().',
  languages: ['python'],
  defaultSeverity: 'warning',
  fixSafety: 'unsafe',
  guideSection: '3 Graceful Cancellation; 4 Await All Subtasks (asyncio.shield for critical sections)',
  equivalents: [{ tool: 'flake8-async', rule: 'ASYNC102' }],
  // Every `await x.close()` in a `finally:` qualifies: useful, but noisy on existing code.
  preview: ['python'],
});
