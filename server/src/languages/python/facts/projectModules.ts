import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * What the project's *other* Python modules define, read from disk: which of their top-level
 * names are coroutine functions (`async def`), plain functions or classes, which methods of their
 * classes are `async def`s, and what they import (so a name re-exported by `from .x import y` is
 * followed). Checks are synchronous, so the files are read synchronously; each file is read and
 * scanned once per version (cached by path, checked by mtime and size), files over 1 MB are
 * skipped, and nothing is ever executed.
 *
 * The scan is line-based, not a parse: logical lines (brackets and backslash continuations
 * joined, strings blanked, comments dropped) at indentation 0, and the first indentation level of
 * top-level classes. It errs towards "unknown": a name bound twice, decorated by anything that may
 * change what it is, or bound again inside a module-level `if`/`try`/... block is not a function.
 */

/** What a name of a module is, as far as the scan can tell. */
export type ProjectKind = 'async' | 'sync' | 'class' | 'module' | 'other';

interface ImportedName {
  /** Leading dots of a relative import; 0 for an absolute one. */
  level: number;
  /** The dotted module, split (empty for `from . import x`). */
  module: readonly string[];
  /** The imported name (`from m import name`); undefined for `import m as alias`. */
  name: string | undefined;
}

interface ModuleSummary {
  /** Top-level names bound by `def`, `async def`, `class`, assignments (`other`) and imports (`other`). */
  readonly names: ReadonlyMap<string, ProjectKind>;
  /** The methods of each top-level class, by kind. */
  readonly classes: ReadonlyMap<string, ReadonlyMap<string, ProjectKind>>;
  /** Top-level imports, by the name they bind. */
  readonly imports: ReadonlyMap<string, ImportedName>;
}

const MAX_FILE_BYTES = 1_000_000;
const MAX_SUMMARIES = 500;
const MAX_RESOLUTIONS = 5000;
/** How long a resolved (or unresolved) import path is trusted before the disk is asked again. */
const RESOLUTION_TTL_MS = 5000;
/** How far up the tree absolute imports are looked for when no project root marker is found. */
const MAX_LEVELS_WITHOUT_ROOT = 6;
/** How many `from x import y` hops are followed to reach a definition. */
const MAX_IMPORT_HOPS = 2;
const ROOT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py', '.git'];
/** Decorators after which an `async def` is still a coroutine function. */
const TRANSPARENT_DECORATORS: ReadonlySet<string> = new Set([
  'staticmethod',
  'classmethod',
  'abstractmethod',
  'abc.abstractmethod',
  'override',
  'typing.override',
  'typing_extensions.override',
]);

// ---------------------------------------------------------------------------------------------
// Scanning one file

interface LogicalLine {
  indent: number;
  /** The code, with string literals replaced by `""` and comments removed. */
  text: string;
}

/** The characters the logical-line scan stops at; everything between is copied in one slice. */
const SPECIAL = /[#'"\\\n\r()[\]{}]/g;

/** Splits Python source into logical lines (see the module comment). Linear in the text. */
function logicalLines(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    // Start of a logical line: measure its indentation.
    let indent = 0;
    while (i < n && (source[i] === ' ' || source[i] === '\t' || source[i] === '\f')) {
      indent += source[i] === '\t' ? 8 - (indent % 8) : 1;
      i++;
    }
    const parts: string[] = [];
    let depth = 0;
    for (;;) {
      SPECIAL.lastIndex = i;
      const match = SPECIAL.exec(source);
      const at = match === null ? n : match.index;
      if (at > i) parts.push(source.slice(i, at));
      i = at;
      if (match === null) break;
      const c = source[i];
      if (c === '#') {
        const end = source.indexOf('\n', i);
        i = end < 0 ? n : end;
        continue;
      }
      if (c === '\\') {
        if (source[i + 1] === '\n' || (source[i + 1] === '\r' && source[i + 2] === '\n')) {
          i += source[i + 1] === '\n' ? 2 : 3;
          parts.push(' ');
        } else {
          parts.push(source.slice(i, i + 2));
          i += 2;
        }
        continue;
      }
      if (c === '\n' || c === '\r') {
        i++;
        if (depth > 0) {
          parts.push(' ');
          continue;
        }
        break;
      }
      if (c === '"' || c === "'") {
        i = skipString(source, i);
        parts.push('""');
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (depth > 0) depth--;
      parts.push(c);
      i++;
    }
    const trimmed = parts.join('').trim();
    if (trimmed.length > 0) lines.push({ indent, text: trimmed });
  }
  return lines;
}

/** The index just after the string literal that starts at `start` (a quote character). */
function skipString(source: string, start: number): number {
  const quote = source[start];
  const triple = source[start + 1] === quote && source[start + 2] === quote;
  let i = start + (triple ? 3 : 1);
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (triple) {
      if (c === quote && source[i + 1] === quote && source[i + 2] === quote) return i + 3;
    } else {
      if (c === quote) return i + 1;
      // An unterminated one-line string ends with its line (the parser would report it).
      if (c === '\n') return i;
    }
    i++;
  }
  return n;
}

const ASYNC_DEF = /^async\s+def\s+([A-Za-z_]\w*)/;
const DEF = /^def\s+([A-Za-z_]\w*)/;
const CLASS = /^class\s+([A-Za-z_]\w*)/;
const ASSIGNMENT = /^([A-Za-z_][\w\s,[\]*]*?)\s*(?::[^=]*)?(?:[-+*/%&|^@]|\/\/|<<|>>|\*\*)?=(?!=)/;
const FROM_IMPORT = /^from\s+(\.*)\s*([\w.]*)\s+import\s+(.+)$/;
const IMPORT = /^import\s+(.+)$/;
const BLOCK = /^(?:if|elif|else|try|except|finally|with|for|while|async\s+with|async\s+for|match)\b/;

class Bindings {
  readonly kinds = new Map<string, ProjectKind>();
  readonly twice = new Set<string>();
  bind(name: string, kind: ProjectKind): void {
    // A name bound twice may be either: unknown.
    if (this.kinds.has(name)) this.twice.add(name);
    this.kinds.set(name, this.kinds.has(name) ? 'other' : kind);
  }
}

function decoratorName(text: string): string {
  const match = /^@\s*([\w.]+)/.exec(text);
  return match === null ? '' : match[1];
}

/** Binds what one statement at the level being scanned defines; returns the class name for a `class`. */
function bindStatement(bindings: Bindings, text: string, decorators: readonly string[]): string | undefined {
  const transparent = decorators.every((d) => TRANSPARENT_DECORATORS.has(decoratorName(d)));
  // `@overload` stubs do not bind anything the caller gets.
  if (decorators.some((d) => /^(?:typing\.|typing_extensions\.)?overload$/.test(decoratorName(d)))) return undefined;
  let match = ASYNC_DEF.exec(text);
  if (match !== null) {
    bindings.bind(match[1], transparent ? 'async' : 'other');
    return undefined;
  }
  match = DEF.exec(text);
  if (match !== null) {
    bindings.bind(match[1], transparent ? 'sync' : 'other');
    return undefined;
  }
  match = CLASS.exec(text);
  if (match !== null) {
    bindings.bind(match[1], decorators.length === 0 ? 'class' : 'other');
    return match[1];
  }
  match = ASSIGNMENT.exec(text);
  if (match !== null && !/^(?:return|yield|assert|del|raise|print|lambda|not|await)\b/.test(match[1])) {
    for (const name of match[1].split(/[\s,[\]*]+/)) if (/^[A-Za-z_]\w*$/.test(name)) bindings.bind(name, 'other');
  }
  return undefined;
}

function scanImports(text: string, imports: Map<string, ImportedName>, bindings: Bindings): boolean {
  let match = FROM_IMPORT.exec(text);
  if (match !== null) {
    const level = match[1].length;
    const module = match[2] === '' ? [] : match[2].split('.');
    for (const item of match[3].replace(/[()]/g, ' ').split(',')) {
      const parts = item.trim().split(/\s+as\s+/);
      const name = parts[0]?.trim();
      const alias = (parts[1] ?? parts[0])?.trim();
      if (name === undefined || alias === undefined || !/^[A-Za-z_]\w*$/.test(name) || !/^[A-Za-z_]\w*$/.test(alias)) continue;
      bindings.bind(alias, 'other');
      imports.set(alias, { level, module, name });
    }
    return true;
  }
  match = IMPORT.exec(text);
  if (match !== null) {
    for (const item of match[1].split(',')) {
      const parts = item.trim().split(/\s+as\s+/);
      const dotted = parts[0]?.trim() ?? '';
      if (!/^[A-Za-z_][\w.]*$/.test(dotted)) continue;
      const alias = parts[1]?.trim();
      const local = alias ?? dotted.split('.')[0];
      bindings.bind(local, 'other');
      imports.set(local, { level: 0, module: alias === undefined ? [local] : dotted.split('.'), name: undefined });
    }
    return true;
  }
  return false;
}

/** The summary of one module's source text. */
export function summarizeModule(source: string): ModuleSummary {
  const module = new Bindings();
  const imports = new Map<string, ImportedName>();
  const classes = new Map<string, Bindings>();
  const rebound = new Set<string>();
  let decorators: string[] = [];
  let classBindings: Bindings | undefined;
  let classIndent: number | undefined;
  let classDecorators: string[] = [];
  let inBlock = false;
  for (const { indent, text } of logicalLines(source)) {
    if (indent === 0) {
      classBindings = undefined;
      inBlock = false;
      if (text.startsWith('@')) {
        decorators.push(text);
        continue;
      }
      if (!scanImports(text, imports, module)) {
        const className = bindStatement(module, text, decorators);
        if (className !== undefined) {
          classBindings = new Bindings();
          classes.set(className, classBindings);
          classIndent = undefined;
          classDecorators = [];
        }
        inBlock = BLOCK.test(text);
      }
      decorators = [];
      continue;
    }
    if (classBindings !== undefined) {
      classIndent ??= indent;
      if (indent !== classIndent) continue;
      if (text.startsWith('@')) {
        classDecorators.push(text);
        continue;
      }
      bindStatement(classBindings, text, classDecorators);
      classDecorators = [];
      continue;
    }
    if (inBlock) {
      // Module-level names bound conditionally (`if`, `try`, ...) are not known for sure.
      const scratch = new Bindings();
      if (!scanImports(text, new Map(), scratch)) bindStatement(scratch, text.startsWith('@') ? '' : text, []);
      for (const name of scratch.kinds.keys()) rebound.add(name);
    }
  }
  for (const name of rebound) if (module.kinds.has(name)) module.kinds.set(name, 'other');
  // Only a name bound once, by its import, is followed to the imported module.
  for (const name of [...imports.keys()]) if (module.kinds.get(name) !== 'other' || module.twice.has(name) || rebound.has(name)) imports.delete(name);
  const classMethods = new Map<string, ReadonlyMap<string, ProjectKind>>();
  for (const [name, bindings] of classes) classMethods.set(name, bindings.kinds);
  return { names: module.kinds, classes: classMethods, imports };
}

// ---------------------------------------------------------------------------------------------
// Finding and caching files

interface CachedSummary {
  mtimeMs: number;
  size: number;
  summary: ModuleSummary | undefined;
}

const summaries = new Map<string, CachedSummary>();
const resolutions = new Map<string, { value: string | undefined; at: number }>();

function remembered(key: string, compute: () => string | undefined): string | undefined {
  const now = Date.now();
  const hit = resolutions.get(key);
  if (hit !== undefined && now - hit.at < RESOLUTION_TTL_MS) return hit.value;
  const value = compute();
  if (resolutions.size >= MAX_RESOLUTIONS) resolutions.clear();
  resolutions.set(key, { value, at: now });
  return value;
}

interface Listing {
  files: ReadonlySet<string>;
  dirs: ReadonlySet<string>;
}

const listings = new Map<string, { value: Listing | undefined; at: number }>();

/**
 * The files and folders of `dir`, read once per few seconds: one `readdir` answers every module
 * lookup in that folder (most imports name the standard library or installed packages, which are
 * never found in the project's folders, and each costs a handful of lookups up the tree).
 */
function listing(dir: string): Listing | undefined {
  const now = Date.now();
  const hit = listings.get(dir);
  if (hit !== undefined && now - hit.at < RESOLUTION_TTL_MS) return hit.value;
  let value: Listing | undefined;
  try {
    const files = new Set<string>();
    const dirs = new Set<string>();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.add(entry.name);
      else if (entry.isFile() || entry.isSymbolicLink()) files.add(entry.name);
    }
    value = { files, dirs };
  } catch {
    value = undefined;
  }
  if (listings.size >= MAX_RESOLUTIONS) listings.clear();
  listings.set(dir, { value, at: now });
  return value;
}

/** The summary of the module in `file`, read from disk once per version; undefined when unreadable. */
function summaryOf(file: string): ModuleSummary | undefined {
  let stat;
  try {
    stat = statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (stat === undefined || !stat.isFile()) return undefined;
  const cached = summaries.get(file);
  if (cached !== undefined && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) {
    // Keep recently used entries last, so the oldest go first when the cache is full.
    summaries.delete(file);
    summaries.set(file, cached);
    return cached.summary;
  }
  let summary: ModuleSummary | undefined;
  if (stat.size <= MAX_FILE_BYTES) {
    try {
      const text = readFileSync(file, 'utf8');
      summary = text.includes('\0') ? undefined : summarizeModule(text);
    } catch {
      summary = undefined;
    }
  }
  summaries.delete(file);
  if (summaries.size >= MAX_SUMMARIES) {
    const oldest = summaries.keys().next().value;
    if (oldest !== undefined) summaries.delete(oldest);
  }
  summaries.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, summary });
  return summary;
}

/** The nearest folder at or above `dir` holding a project marker, or undefined. */
function projectRootOf(dir: string): string | undefined {
  return remembered(`root\0${dir}`, () => {
    for (let current = dir; ; current = path.dirname(current)) {
      const entries = listing(current);
      if (entries !== undefined && ROOT_MARKERS.some((marker) => entries.files.has(marker) || entries.dirs.has(marker))) return current;
      if (path.dirname(current) === current) return undefined;
    }
  });
}

/** `base/a/b.py` or `base/a/b/__init__.py` for the parts `a`, `b`; `base/__init__.py` for none. */
function moduleFileUnder(base: string, parts: readonly string[]): string | undefined {
  let dir = base;
  for (let i = 0; i < parts.length - 1; i++) {
    if (listing(dir)?.dirs.has(parts[i]) !== true) return undefined;
    dir = path.join(dir, parts[i]);
  }
  const last = parts[parts.length - 1];
  const entries = listing(dir);
  if (entries === undefined) return undefined;
  if (last === undefined) return entries.files.has('__init__.py') ? path.join(dir, '__init__.py') : undefined;
  if (entries.files.has(`${last}.py`)) return path.join(dir, `${last}.py`);
  if (entries.dirs.has(last) && listing(path.join(dir, last))?.files.has('__init__.py') === true) return path.join(dir, last, '__init__.py');
  return undefined;
}

/**
 * The file of the module `parts` imported with `level` leading dots from `fromFile`: relative
 * imports from the file's package; absolute ones from the nearest folder up the tree (and its
 * `src/`) where the dotted path exists, stopping at the project root.
 */
function resolveModule(fromFile: string, level: number, parts: readonly string[]): string | undefined {
  if (parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return undefined;
  const dir = path.dirname(fromFile);
  if (level > 0) {
    let base = dir;
    for (let up = 1; up < level; up++) base = path.dirname(base);
    return remembered(`rel\0${base}\0${parts.join('.')}`, () => moduleFileUnder(base, parts));
  }
  if (parts.length === 0) return undefined;
  return remembered(`abs\0${dir}\0${parts.join('.')}`, () => {
    const root = projectRootOf(dir);
    let current = dir;
    for (let levels = 0; ; levels++) {
      const found = moduleFileUnder(current, parts) ?? moduleFileUnder(path.join(current, 'src'), parts);
      if (found !== undefined) return found;
      if (current === root || path.dirname(current) === current) return undefined;
      if (root === undefined && levels >= MAX_LEVELS_WITHOUT_ROOT) return undefined;
      current = path.dirname(current);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Looking names up

/** What `attributes` (a name, or a class and its method) of the module in `file` are. */
function memberKind(file: string, attributes: readonly string[], hops: number): ProjectKind | undefined {
  if (attributes.length === 0) return 'module';
  if (attributes.length > 2) return undefined;
  const summary = summaryOf(file);
  if (summary === undefined) return undefined;
  const [name, method] = attributes;
  const kind = summary.names.get(name);
  const imported = summary.imports.get(name);
  if (imported !== undefined && kind === 'other' && hops < MAX_IMPORT_HOPS) {
    // Bound once, by the import: follow it.
    const target = imported.name === undefined ? imported.module : [...imported.module, imported.name];
    return lookupFrom(file, imported.level, [...target, ...attributes.slice(1)], hops + 1);
  }
  if (kind !== undefined) {
    if (method === undefined) return kind;
    return kind === 'class' ? summary.classes.get(name)?.get(method) : undefined;
  }
  // A submodule of a package not imported by its `__init__`: `from pkg import sub`.
  if (path.basename(file) === '__init__.py') {
    const sub = moduleFileUnder(path.dirname(file), [name]);
    if (sub !== undefined) return memberKind(sub, attributes.slice(1), hops);
  }
  return undefined;
}

function lookupFrom(fromFile: string, level: number, dotted: readonly string[], hops: number): ProjectKind | undefined {
  for (let split = dotted.length; split >= (level > 0 ? 0 : 1); split--) {
    const file = resolveModule(fromFile, level, dotted.slice(0, split));
    if (file === undefined) continue;
    return memberKind(file, dotted.slice(split), hops);
  }
  return undefined;
}

/**
 * What the dotted name `dotted` (a module, a module's name, or a class's method), imported with
 * `level` leading dots from `fromFile`, stands for in the project's files; undefined when no file
 * of the project defines it (a library, the standard library, a name the scan cannot tell).
 * `fromFile` must be an absolute path; otherwise (an unsaved file) nothing is looked up.
 */
export function projectKind(fromFile: string, level: number, dotted: readonly string[]): ProjectKind | undefined {
  if (!path.isAbsolute(fromFile) || dotted.length + level === 0) return undefined;
  return lookupFrom(fromFile, level, dotted, 0);
}

/** The file the module `dotted` (imported with `level` dots from `fromFile`) lives in, if any. */
export function projectModuleFile(fromFile: string, level: number, dotted: readonly string[]): string | undefined {
  if (!path.isAbsolute(fromFile)) return undefined;
  return resolveModule(fromFile, level, dotted);
}

/** Drops everything read from disk (for tests, and when files change outside the editor). */
export function forgetProjectModules(): void {
  summaries.clear();
  resolutions.clear();
  listings.clear();
}
