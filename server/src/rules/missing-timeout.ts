import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'missing-timeout',
  summary: 'Network or database I/O awaited with no explicit timeout can hang forever.',
  languages: ['python', 'typescript'],
  defaultSeverity: 'warning',
  fixSafety: 'unsafe',
  guideSection: '5 Explicit Timeouts',
  // ruff ASYNC109 is not an equivalent: it flags async functions that *take* a timeout parameter.
  equivalents: [],
  options: {
    defaultTimeoutSeconds: {
      type: 'number',
      default: 10,
      description: 'The timeout the quick fix inserts, in seconds (milliseconds are derived for TypeScript/JavaScript).',
    },
  },
});
