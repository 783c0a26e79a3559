import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'unstructured-logging',
  summary: 'Log messages built by string formatting (or print/console output in services) lose structure.',
  languages: ['python', 'typescript'],
  defaultSeverity: 'warning',
  fixSafety: 'safe',
  guideSection: 'Logging and Observability',
  equivalents: [
    { tool: 'ruff', rule: 'G004', noqa: true },
    { tool: 'ruff', rule: 'G002', noqa: true },
    { tool: 'ruff', rule: 'G001', noqa: true },
    { tool: 'ruff', rule: 'T201', noqa: true },
    { tool: 'eslint', rule: 'no-console' },
  ],
  preview: ['typescript'],
});
