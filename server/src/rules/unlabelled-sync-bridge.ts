import { defineRule } from '../engine/rule';

export default defineRule({
  id: 'unlabelled-sync-bridge',
  summary: 'Sync work bridged onto threads or workers must carry the SYNC EXCEPTION HANDLER label.',
  languages: ['python', 'typescript'],
  defaultSeverity: 'warning',
  fixSafety: 'safe',
  guideSection: '7 Safe Sync Integration',
  equivalents: [],
  options: {
    allowedModules: {
      type: 'string[]',
      default: [],
      description: 'Glob patterns (relative to the workspace) of the modules where sync bridges may live; empty allows any module.',
    },
  },
});
