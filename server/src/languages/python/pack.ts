import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import checks from 'discover:languages/python/checks';
import type { LanguagePack, SourceComment } from '../../engine/languagePack';
import type { SourceText } from '../../engine/sourceText';
import type { PythonParsed } from './parsed';

let parser: Parser | undefined;

/** Comments (extras: they can sit anywhere) and the tree's depth, in one cursor walk (no recursion). */
function structureOf(parsed: PythonParsed): { comments: SourceComment[]; depth: number } {
  const comments: SourceComment[] = [];
  const cursor = parsed.tree.walk();
  let depth = 0;
  let deepest = 0;
  let done = false;
  while (!done) {
    // Read the type through the cursor: building a Node object for every node is the slow part.
    if (cursor.nodeType === 'comment') comments.push({ start: cursor.startIndex, end: cursor.endIndex, text: cursor.nodeText });
    if (cursor.gotoFirstChild()) {
      depth++;
      if (depth > deepest) deepest = depth;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
      depth--;
    }
  }
  cursor.delete();
  return { comments, depth: deepest };
}

const pythonPack: LanguagePack<PythonParsed> = {
  id: 'python',
  extensions: ['.py', '.pyi'],
  languageIds: ['python'],
  lineComment: '#',
  suppressionPlacement: 'end-of-line',
  checks,

  async init({ wasmDir }) {
    if (parser !== undefined) return;
    await Parser.init({ locateFile: (name: string) => path.join(wasmDir, name) });
    const language = await Language.load(path.join(wasmDir, 'tree-sitter-python.wasm'));
    const created = new Parser();
    created.setLanguage(language);
    parser = created;
  },

  parse(source: SourceText): PythonParsed {
    if (parser === undefined) throw new Error('the Python parser is not initialised');
    const tree = parser.parse(source.text);
    if (tree === null) throw new Error('tree-sitter returned no tree');
    return { tree, root: tree.rootNode };
  },

  structure: structureOf,

  dispose(parsed) {
    parsed.tree.delete();
  },
};

export default pythonPack;
