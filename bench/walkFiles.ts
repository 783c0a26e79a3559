import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Every file under `dir` with one of the extensions, sorted. */
export async function filesUnder(dir: string, extensions: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') await walk(full);
      } else if (extensions.includes(path.extname(entry.name))) out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}
