import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'prefer-task-group',
  summary: 'On Python 3.11+, run concurrent work in an asyncio.TaskGroup rather than asyncio.gather / asyncio.wait.',
  languages: ['python'],
  defaultSeverity: 'info',
  fixSafety: 'unsafe',
  guideSection: '2 Use TaskGroup for Concurrency',
  equivalents: [],
  options: {
    targetPython: {
      type: 'string',
      default: '3.11',
      description:
        'The lowest Python version the code runs on ("3.11"), used when the project declares none (requires-python in pyproject.toml wins). Below 3.11 the rule is silent.',
    },
  },
});
