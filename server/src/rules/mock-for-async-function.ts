import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'mock-for-async-function',
  summary: 'A Mock or MagicMock stands in for an async function: awaiting what it returns raises TypeError. Use AsyncMock.',
  languages: ['python'],
  defaultSeverity: 'warning',
  fixSafety: 'unsafe',
  guideSection: 'Testing Requirements (use AsyncMock to isolate async dependencies)',
  equivalents: [],
  // Needs the patched target to be an `async def` the analysis can see (this file or a project
  // module read from disk): new, so it starts in the preview tier.
  preview: ['python'],
});
