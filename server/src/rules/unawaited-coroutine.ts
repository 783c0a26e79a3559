import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'unawaited-coroutine',
  summary: 'A coroutine function is called and its coroutine is never awaited, so its body never runs.',
  languages: ['python'],
  defaultSeverity: 'error',
  fixSafety: 'safe',
  guideSection: 'General Rules (use await everywhere for coroutines); 4 Await All Subtasks; Anti-Patterns (returning unawaited coroutines)',
  equivalents: [],
});
