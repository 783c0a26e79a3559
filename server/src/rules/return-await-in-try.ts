import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'return-await-in-try',
  summary: 'A promise returned without `await` inside `try` (or `catch` before a `finally`) escapes its error handling.',
  languages: ['typescript'],
  defaultSeverity: 'error',
  fixSafety: 'safe',
  guideSection: '4 Await All Subtasks; 6 Exception Handling',
  equivalents: [{ tool: 'typescript-eslint', rule: '@typescript-eslint/return-await' }],
});
