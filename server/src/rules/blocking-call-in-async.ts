import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'blocking-call-in-async',
  summary: 'A blocking call (sleep, sync file/network/process I/O) inside an async function stalls the event loop.',
  languages: ['python', 'typescript'],
  defaultSeverity: 'error',
  fixSafety: 'safe',
  guideSection: '1 Enforce Async I/O; 7 Safe Sync Integration; Enforce Async File I/O',
  equivalents: [
    { tool: 'ruff', rule: 'ASYNC210', noqa: true },
    { tool: 'ruff', rule: 'ASYNC220', noqa: true },
    { tool: 'ruff', rule: 'ASYNC221', noqa: true },
    { tool: 'ruff', rule: 'ASYNC222', noqa: true },
    { tool: 'ruff', rule: 'ASYNC230', noqa: true },
    { tool: 'ruff', rule: 'ASYNC251', noqa: true },
    { tool: 'eslint-plugin-n', rule: 'n/no-sync' },
  ],
});
