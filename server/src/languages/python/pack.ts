import * as path from 'node:path';
import { type Edit, Language, Parser, type Point, type Tree } from 'web-tree-sitter';
import checks from 'discover:languages/python/checks';
import type { LanguagePack, SourceComment } from '../../engine/languagePack';
import type { SourceText } from '../../engine/sourceText';
import { forgetNodeCache } from './facts/nodes';
import { forgetProjectModules } from './facts/projectModules';
import { buildScopeTable } from './facts/scopes';
import { beginAnalysis, forgetIncremental, incrementalOptions, incrementally, type OldUnit, oldUnitFor } from './incremental';
import type { PythonParsed } from './parsed';

let parser: Parser | undefined;

/**
 * Below this many nodes a subtree cannot make the tree deeper than this, so the depth walk does
 * not enter it: the depth reported is exact whenever it exceeds this (far under the engine's
 * limit), and a lower bound otherwise.
 */
const EXACT_DEPTH_ABOVE = 256;

/**
 * How deep the tree nests, for the engine's depth guard. Only subtrees big enough to reach
 * {@link EXACT_DEPTH_ABOVE} are entered, so an ordinary file costs a few hundred cursor steps.
 */
function depthOf(parsed: PythonParsed): number {
  const cursor = parsed.tree.walk();
  let depth = 0;
  let deepest = 0;
  try {
    for (;;) {
      if (depth > deepest) deepest = depth;
      const size = cursor.currentNode.descendantCount; // includes the node itself
      if (depth + size - 1 > EXACT_DEPTH_ABOVE && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        if (depth === 0) return deepest;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Comments (from the scope table's one search) and the tree's depth. */
function structureOf(parsed: PythonParsed): { comments: SourceComment[]; depth: number } {
  const depth = depthOf(parsed);
  const comments: SourceComment[] = [];
  // Deep trees are skipped by the engine: do not build the scope table for them.
  if (depth > EXACT_DEPTH_ABOVE) return { comments: structureCommentsSlow(parsed), depth };
  for (const node of buildScopeTable(parsed).comments) {
    const start = node.startIndex;
    const end = node.endIndex;
    comments.push({ start, end, text: parsed.text.slice(start, end) });
  }
  return { comments, depth };
}

/** Comments by one search of their own (for trees too deep for the rules). */
function structureCommentsSlow(parsed: PythonParsed): SourceComment[] {
  const comments: SourceComment[] = [];
  for (const node of parsed.root.descendantsOfType('comment')) {
    if (node === null) continue;
    comments.push({ start: node.startIndex, end: node.endIndex, text: parsed.text.slice(node.startIndex, node.endIndex) });
  }
  return comments;
}

// ---------------------------------------------------------------------------------------------
// Incremental re-parse: the last tree and text of the most recently parsed files.

/** How many files keep their last tree for the next (incremental) parse. */
const KEPT_TREES = 16;

interface Kept {
  text: string;
  /** Our own copy of the tree (the engine disposes the one it was given). */
  tree: Tree;
}

/** By file name, least recently parsed first. */
const kept = new Map<string, Kept>();

/** The files whose last tree is kept (least recently parsed first); for tests. */
export function keptTreeFiles(): string[] {
  return [...kept.keys()];
}

function forgetTree(fileName: string): void {
  // Findings are reused only after a re-parse from a kept tree: keep them no longer than it.
  forgetIncremental(fileName);
  const entry = kept.get(fileName);
  if (entry === undefined) return;
  kept.delete(fileName);
  entry.tree.delete();
}

/** The row and column (UTF-16 code units, as web-tree-sitter counts) of `index`, given those of `from`. */
function pointAfter(text: string, from: number, fromPoint: Point, index: number): Point {
  let { row, column } = fromPoint;
  let lineStart = from - column;
  for (let i = text.indexOf('\n', from); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  column = index - lineStart;
  return { row, column };
}

/** The single edit that turns `before` into `after`: their common prefix and suffix are kept. */
export function editBetween(before: string, after: string): Edit {
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  // Do not split a surrogate pair at either end.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  const startPosition = pointAfter(before, 0, { row: 0, column: 0 }, prefix);
  const oldEndIndex = before.length - suffix;
  const newEndIndex = after.length - suffix;
  return {
    startIndex: prefix,
    oldEndIndex,
    newEndIndex,
    startPosition,
    oldEndPosition: pointAfter(before, prefix, startPosition, oldEndIndex),
    newEndPosition: pointAfter(after, prefix, startPosition, newEndIndex),
  };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The text as the parser reads it: a lone `\r` becomes `\n`. Python ends a line at `\n`, `\r\n`
 * or a lone `\r` alike (and reads a lone `\r` inside a string as `\n`), but the tree-sitter
 * grammar does not always: in a file with classic-Mac line ends it ran statements together (a
 * whole function body as one call chain). Same length, so every offset stays valid.
 */
function forParser(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** A parse, and the edit from the kept tree's text with the unit it lay in, when there was one (see incremental.ts). */
interface Parsing {
  tree: Tree;
  edit?: Edit;
  unit?: OldUnit;
}

function parseText(active: Parser, text: string, fileName: string): Parsing {
  const previous = kept.get(fileName);
  let tree: Tree | null;
  let edit: Edit | undefined;
  let unit: OldUnit | undefined;
  if (previous === undefined) {
    tree = active.parse(text);
  } else {
    kept.delete(fileName);
    try {
      if (previous.text === text) {
        tree = previous.tree.copy();
      } else {
        edit = editBetween(previous.text, text);
        // Read before the edit: the old tree's unit holding the edit, if its findings may be reused.
        unit = oldUnitFor(fileName, previous.text, previous.tree, edit);
        previous.tree.edit(edit);
        tree = active.parse(text, previous.tree);
      }
    } finally {
      previous.tree.delete();
    }
  }
  if (tree === null) throw new Error('tree-sitter returned no tree');
  kept.set(fileName, { text, tree: tree.copy() });
  if (kept.size > KEPT_TREES) {
    const oldest = kept.keys().next();
    if (oldest.done !== true) forgetTree(oldest.value);
  }
  return { tree, edit, unit };
}

const pythonPack: LanguagePack<PythonParsed> = {
  id: 'python',
  extensions: ['.py', '.pyi'],
  languageIds: ['python'],
  lineComment: '#',
  suppressionPlacement: 'end-of-line',
  checks: checks.map(incrementally),

  async init({ wasmDir }) {
    if (parser !== undefined) return;
    await Parser.init({ locateFile: (name: string) => path.join(wasmDir, name) });
    const language = await Language.load(path.join(wasmDir, 'tree-sitter-python.wasm'));
    const created = new Parser();
    created.setLanguage(language);
    parser = created;
  },

  parse(source: SourceText, fileName: string): PythonParsed {
    if (parser === undefined) throw new Error('the Python parser is not initialised');
    const text = forParser(source.text);
    if (incrementalOptions.mode === 'fresh') {
      const tree = parser.parse(text);
      if (tree === null) throw new Error('tree-sitter returned no tree');
      return { tree, root: tree.rootNode, text: source.text };
    }
    if (incrementalOptions.mode === 'full') {
      const { tree } = parseText(parser, text, fileName);
      return { tree, root: tree.rootNode, text: source.text };
    }
    const { tree, edit, unit } = parseText(parser, text, fileName);
    return { tree, root: tree.rootNode, text: source.text, incremental: beginAnalysis(fileName, text, tree, edit, unit) };
  },

  structure: structureOf,

  dispose(parsed) {
    forgetNodeCache(parsed.tree);
    parsed.tree.delete();
  },

  forget(fileName) {
    // Also drops the file's reusable findings (see forgetTree).
    forgetTree(fileName);
  },

  invalidate(fileNames) {
    // Another module may have gained or lost an `async def`: read the project's modules again.
    if (fileNames.some((f) => f.endsWith('.py') || f.endsWith('.pyi'))) {
      forgetProjectModules();
      forgetIncremental();
    }
  },
};

export default pythonPack;
