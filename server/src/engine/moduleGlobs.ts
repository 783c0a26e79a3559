import { Minimatch } from 'minimatch';

const compiled = new Map<string, Minimatch>();

/**
 * True when some pattern matches the file's path or any tail of it (`sync/*.py` matches
 * `/repo/app/sync/db.py`): patterns read as relative to whichever folder holds the matching part,
 * which covers workspace-relative patterns without knowing the workspace root. Used by rule
 * options that name modules (e.g. where sync bridges may live), in every language.
 */
export function matchesModule(fileName: string, patterns: readonly string[]): boolean {
  const parts = fileName.replace(/\\/g, '/').split('/').filter((p) => p.length > 0);
  for (const pattern of patterns) {
    let matcher = compiled.get(pattern);
    if (matcher === undefined) {
      matcher = new Minimatch(pattern.replace(/\\/g, '/').replace(/^\.\//, ''), { dot: true });
      compiled.set(pattern, matcher);
    }
    for (let i = 0; i < parts.length; i++) if (matcher.match(parts.slice(i).join('/'))) return true;
  }
  return false;
}
