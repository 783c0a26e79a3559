// The floor for Python: only the tree-sitter (WASM) parse of every .py file, nothing else.
// `node py-parse.js <dir> <wasmDir>`. Prints {files, lines}.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { filesUnder } from './walkFiles';

async function main(): Promise<void> {
  const [dir, wasmDir] = process.argv.slice(2);
  await Parser.init({ locateFile: (name: string) => path.join(wasmDir, name) });
  const parser = new Parser();
  parser.setLanguage(await Language.load(path.join(wasmDir, 'tree-sitter-python.wasm')));
  const files = await filesUnder(dir, ['.py']);
  let lines = 0;
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const tree = parser.parse(text);
    lines += text.split('\n').length;
    tree?.delete();
  }
  process.stdout.write(`${JSON.stringify({ files: files.length, lines })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 2;
});
