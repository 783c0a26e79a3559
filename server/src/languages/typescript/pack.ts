import * as path from 'node:path';
import * as ts from 'typescript';
import checks from 'discover:languages/typescript/checks';
import type { LanguagePack, SourceComment } from '../../engine/languagePack';
import type { SourceText } from '../../engine/sourceText';
import type { TypeScriptParsed } from './parsed';

const SCRIPT_KINDS: Readonly<Record<string, ts.ScriptKind>> = {
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
};

function scriptKindOf(fileName: string): ts.ScriptKind {
  return SCRIPT_KINDS[path.extname(fileName).toLowerCase()] ?? ts.ScriptKind.TS;
}

/** Every comment, found through the trivia around each token the parser produced. */
function collectComments(parsed: TypeScriptParsed): SourceComment[] {
  const { sourceFile } = parsed;
  const text = sourceFile.text;
  const seen = new Set<number>();
  const comments: SourceComment[] = [];
  const add = (ranges: ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push({ start: range.pos, end: range.end, text: text.slice(range.pos, range.end) });
    }
  };
  const stack: ts.Node[] = [sourceFile];
  while (stack.length > 0) {
    const node = stack.pop() as ts.Node;
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    // JSX text cannot hold comments; everything else may have them between its tokens.
    if (node.kind !== ts.SyntaxKind.JsxText) stack.push(...node.getChildren(sourceFile));
  }
  return comments.sort((a, b) => a.start - b.start);
}

const typescriptPack: LanguagePack<TypeScriptParsed> = {
  id: 'typescript',
  extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
  languageIds: ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'],
  lineComment: '//',
  suppressionPlacement: 'line-above',
  checks,

  async init() {
    // The TypeScript compiler is plain JavaScript: nothing to load.
  },

  parse(source: SourceText, fileName: string): TypeScriptParsed {
    const sourceFile = ts.createSourceFile(fileName, source.text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
    // The project model (tsconfig discovery, a warm LanguageService per project) plugs in here.
    return { sourceFile, types: () => undefined };
  },

  comments: collectComments,

  dispose() {
    // Garbage-collected.
  },
};

export default typescriptPack;
