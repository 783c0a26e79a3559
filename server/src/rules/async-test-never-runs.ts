import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'async-test-never-runs',
  summary: 'An async test without an asyncio/anyio/trio mark is never awaited by pytest: it passes without running.',
  languages: ['python'],
  defaultSeverity: 'error',
  fixSafety: 'safe',
  guideSection: 'Testing Requirements (pytest and pytest-asyncio)',
  equivalents: [],
});
