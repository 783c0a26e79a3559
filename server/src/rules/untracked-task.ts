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
  options: {
    ignoreVoid: {
      type: 'boolean',
      default: true,
      description: 'TypeScript/JavaScript: `void promise` marks a promise as deliberately detached (not reported).',
    },
    ignoreIIFE: {
      type: 'boolean',
      default: false,
      description: 'TypeScript/JavaScript: do not report async immediately-invoked function expressions used as statements.',
    },
  },
});
