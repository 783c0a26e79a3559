import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'async-promise-executor',
  summary: 'An async function passed as a Promise executor: its errors are lost and the promise may never settle.',
  languages: ['typescript'],
  defaultSeverity: 'error',
  fixSafety: 'none',
  guideSection: '4 Await All Subtasks; 6 Exception Handling',
  equivalents: [{ tool: 'eslint', rule: 'no-async-promise-executor' }],
});
