import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'untracked-task',
  summary: 'A task or promise is started and then dropped: nobody awaits it, and its failure is lost.',
  languages: ['python', 'typescript'],
  defaultSeverity: 'error',
  fixSafety: 'unsafe',
  guideSection: '2 Use TaskGroup for Concurrency; 4 Await All Subtasks',
  equivalents: [
    { tool: 'ruff', rule: 'RUF006', noqa: true },
    { tool: 'typescript-eslint', rule: '@typescript-eslint/no-floating-promises' },
  ],
});
