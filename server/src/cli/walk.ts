import { readFile, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders never worth walking into. */
const SKIPPED_DIRS = new Set(['node_modules', '.venv', 'venv', 'dist', '.git', '__pycache__', '.mypy_cache', '.ruff_cache', '.tox']);

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

export class UnreadablePathError extends Error {}

async function loadGitignore(dir: string): Promise<IgnoreScope | undefined> {
  try {
    const text = await readFile(path.join(dir, '.gitignore'), 'utf8');
    return { base: dir, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

function isIgnored(scopes: readonly IgnoreScope[], file: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const relative = path.relative(scope.base, file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const candidate = relative.split(path.sep).join('/') + (isDir ? '/' : '');
    if (scope.rules.ignores(candidate)) return true;
  }
  return false;
}

/** .gitignore files from the repository root (the folder holding .git) down to `dir`. */
async function ancestorScopes(dir: string): Promise<IgnoreScope[]> {
  const chain: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    chain.unshift(current);
    const isRepoRoot = await stat(path.join(current, '.git')).then(
      () => true,
      () => false,
    );
    if (isRepoRoot || path.dirname(current) === current) break;
  }
  const scopes = await Promise.all(chain.map(loadGitignore));
  return scopes.filter((s): s is IgnoreScope => s !== undefined);
}

/**
 * The files to analyse under the given paths: files named explicitly are always taken (when a
 * pack handles them); directories are walked. Throws UnreadablePathError for a path that does
 * not exist or cannot be read.
 */
export async function collectFiles(
  paths: readonly string[],
  accepts: (file: string) => boolean,
  excludes: readonly string[],
  cwd: string,
): Promise<string[]> {
  const excluded: IgnoreScope = { base: cwd, rules: ignore().add([...excludes]) };
  const found: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
      throw new UnreadablePathError(`${given}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
    });
    if (info.isFile()) {
      if (accepts(absolute)) found.push(absolute);
      continue;
    }
    // A folder named explicitly is checked even when an ancestor's .gitignore ignores it (as
    // ripgrep does): the ancestor files that ignore the folder itself are left out for this walk.
    const ancestors = (await ancestorScopes(absolute)).filter((scope) => !isIgnored([scope], absolute, true));
    // --exclude patterns are relative to the cwd, or to the folder named when it lies outside the cwd.
    const outside = path.relative(cwd, absolute).startsWith('..') || path.isAbsolute(path.relative(cwd, absolute));
    const scopes = [...ancestors, outside ? { base: absolute, rules: excluded.rules } : excluded];
    await walk(absolute, scopes, accepts, found);
  }
  return [...new Set(found)].sort();
}

async function walk(dir: string, scopes: IgnoreScope[], accepts: (file: string) => boolean, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new UnreadablePathError(`${dir}: ${(error as Error).message}`);
  }
  const own = await loadGitignore(dir);
  const inScope = own !== undefined && !scopes.some((s) => s.base === dir) ? [...scopes, own] : scopes;
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRS.has(entry.name) || isIgnored(inScope, full, true)) continue;
      await walk(full, inScope, accepts, found);
    } else if (entry.isFile() && accepts(full) && !isIgnored(inScope, full, false)) {
      found.push(full);
    }
  }
}
