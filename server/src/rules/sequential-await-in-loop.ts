import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'sequential-await-in-loop',
  summary: 'Awaiting independent operations one by one in a loop serialises work that could run concurrently.',
  languages: ['typescript'],
  defaultSeverity: 'info',
  fixSafety: 'none',
  guideSection: '2 Use TaskGroup for Concurrency',
  equivalents: [{ tool: 'eslint', rule: 'no-await-in-loop' }],
  preview: ['typescript'],
});
