import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

/** A temporary folder for one test file's projects, removed after the file's tests. */
export interface TempProject {
  readonly root: string;
  /** Writes `text` to `relative` under the root (creating folders); returns the absolute path. */
  write(relative: string, text: string): string;
}

export function tempProject(prefix: string): TempProject {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    write(relative, text) {
      const file = path.join(root, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}
