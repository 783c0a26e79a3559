import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'swallowed-exception',
  summary: 'A broad handler that neither re-raises nor logs the error hides failures.',
  languages: ['python', 'typescript'],
  defaultSeverity: 'warning',
  fixSafety: 'unsafe',
  guideSection: '6 Exception Handling; Anti-Patterns (broad except without logging)',
  equivalents: [
    { tool: 'ruff', rule: 'BLE001', noqa: true },
    { tool: 'ruff', rule: 'E722', noqa: true },
    { tool: 'ruff', rule: 'S110', noqa: true },
    { tool: 'eslint', rule: 'no-empty' },
  ],
});
