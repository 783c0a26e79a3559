import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'missing-type-hints',
  summary: 'Functions need complete type hints: annotated parameters and an explicit return type.',
  languages: ['python', 'typescript'],
  defaultSeverity: 'warning',
  fixSafety: 'safe',
  guideSection: 'Static Analysis Requirements (complete type hints)',
  equivalents: [
    { tool: 'ruff', rule: 'ANN001', noqa: true },
    { tool: 'ruff', rule: 'ANN201', noqa: true },
    { tool: 'ruff', rule: 'ANN202', noqa: true },
    { tool: 'typescript-eslint', rule: '@typescript-eslint/explicit-module-boundary-types' },
    { tool: 'typescript-eslint', rule: '@typescript-eslint/no-explicit-any' },
  ],
  options: {
    publicOnly: {
      type: 'boolean',
      default: false,
      description: 'Only check public functions (Python: names without a leading underscore; TypeScript: exported functions and methods).',
    },
  },
});
