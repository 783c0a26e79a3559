import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'misused-promise',
  summary: 'A promise or async function used where nothing waits for it: a void callback, a condition, a spread.',
  languages: ['typescript'],
  defaultSeverity: 'error',
  fixSafety: 'unsafe',
  guideSection: '2 Use TaskGroup for Concurrency; 4 Await All Subtasks',
  equivalents: [{ tool: 'typescript-eslint', rule: '@typescript-eslint/no-misused-promises' }],
});
