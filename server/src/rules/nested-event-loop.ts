import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'nested-event-loop',
  summary: 'Starting or looking up an event loop from inside a coroutine: asyncio.run / run_until_complete fail there, get_event_loop is the wrong call.',
  languages: ['python'],
  defaultSeverity: 'error',
  fixSafety: 'safe',
  guideSection: 'General Rules (async everywhere, await every coroutine); 7 Safe Sync Integration (get_running_loop)',
  equivalents: [],
});
