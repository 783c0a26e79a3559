// The results cache (`--cache`): one JSON file under the cache folder, holding per file the key
// its findings were computed under. The key covers the file's content, its effective settings,
// the tool (version and the bundle itself), and for TypeScript/JavaScript the contents of every
// file of its project in the run (type-aware rules see the other files), so any change to one of
// them computes the file again.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FileFinding } from './analyzeFile';

const FORMAT = 1;

interface CacheEntry {
  key: string;
  findings: FileFinding[];
}

interface CacheFile {
  format: number;
  entries: Record<string, CacheEntry>;
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Stable JSON (sorted keys), so equal settings always hash alike. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The default folder: node_modules/.cache/async-guardrails when node_modules exists, else .async-guardrails-cache. */
export function defaultCacheLocation(cwd: string): string {
  return existsSync(path.join(cwd, 'node_modules'))
    ? path.join(cwd, 'node_modules', '.cache', 'async-guardrails')
    : path.join(cwd, '.async-guardrails-cache');
}

/** What identifies this build of the tool: its version plus the bundle's size and modification time. */
export async function toolFingerprint(version: string, bundle: string): Promise<string> {
  try {
    const info = await stat(bundle);
    return `${version}:${info.size}:${info.mtimeMs}`;
  } catch {
    return version;
  }
}

export class ResultCache {
  private entries: Record<string, CacheEntry> = {};
  private dirty = false;

  private constructor(private readonly file: string) {}

  static async open(folder: string): Promise<ResultCache> {
    const cache = new ResultCache(path.join(folder, 'results.json'));
    try {
      const parsed = JSON.parse(await readFile(cache.file, 'utf8')) as Partial<CacheFile>;
      if (parsed.format === FORMAT && typeof parsed.entries === 'object' && parsed.entries !== null) cache.entries = parsed.entries;
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    return cache;
  }

  get(file: string, key: string): FileFinding[] | undefined {
    const entry = this.entries[file];
    return entry !== undefined && entry.key === key ? entry.findings : undefined;
  }

  set(file: string, key: string, findings: FileFinding[]): void {
    this.entries[file] = { key, findings };
    this.dirty = true;
  }

  delete(file: string): void {
    if (this.entries[file] === undefined) return;
    delete this.entries[file];
    this.dirty = true;
  }

  /** Writes atomically (temp file, then rename), so a killed run never leaves half a cache. */
  async save(): Promise<void> {
    if (!this.dirty) return;
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ format: FORMAT, entries: this.entries } satisfies CacheFile), 'utf8');
    await rename(temp, this.file);
    this.dirty = false;
  }
}
