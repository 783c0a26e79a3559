// Compiles many Python sources in one python3 process (what `python3 -m py_compile` does, without
// writing .pyc files): one process per batch instead of one per file.
import { execFile } from 'node:child_process';

const SCRIPT = `
import json, sys
sources = json.load(sys.stdin)
out = []
for src in sources:
    try:
        # Bytes, as py_compile reads them: BOMs and coding cookies are honoured the same way.
        compile(src.encode("utf-8", "surrogatepass"), "<fixed>", "exec", dont_inherit=True)
        out.append(None)
    except BaseException as error:
        out.append(f"{type(error).__name__}: {error}")
json.dump(out, sys.stdout)
`;

let available: Promise<boolean> | undefined;

/** Whether a python3 is on PATH (checked once). */
export function hasPython(): Promise<boolean> {
  available ??= new Promise((resolve) => {
    execFile('python3', ['--version'], (error) => resolve(error === null));
  });
  return available;
}

/** For each source: undefined when it compiles, else the error. */
export function compilePython(sources: readonly string[]): Promise<(string | undefined)[]> {
  if (sources.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', SCRIPT], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
      if (error !== null) {
        reject(error);
        return;
      }
      const parsed = JSON.parse(stdout) as (string | null)[];
      resolve(parsed.map((e) => e ?? undefined));
    });
    child.stdin?.end(JSON.stringify(sources));
  });
}
