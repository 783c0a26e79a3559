import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'signal-not-propagated',
  summary: 'A function that receives an AbortSignal calls a signal-accepting API without passing it on.',
  languages: ['typescript'],
  defaultSeverity: 'warning',
  fixSafety: 'unsafe',
  guideSection: '3 Graceful Cancellation; 5 Explicit Timeouts',
  equivalents: [],
});
