import * as ts from 'typescript';
import checks from 'discover:languages/typescript/checks';
import type { LanguagePack, SourceComment } from '../../engine/languagePack';
import type { SourceText } from '../../engine/sourceText';
import type { TypeScriptParsed, TypeScriptTypes } from './parsed';
import type { ConfigProblem } from './project/config';
import { scriptKindOf } from './project/project';
import { ProjectService } from './project/service';

export type { ConfigProblem } from './project/config';

/** The project model shared by every analysis in this process (server or CLI). */
export const projects = new ProjectService();

/**
 * Problems in the tsconfig.json / jsconfig.json files seen so far (bad JSON, a missing `extends`
 * target, invalid options), plus those of `configFiles`, loaded now if needed. Positions are
 * 0-based line and UTF-16 column. Meanwhile, files under a broken config use an inferred project.
 */
export function configProblems(configFiles: readonly string[] = []): ConfigProblem[] {
  return projects.configProblems(configFiles);
}


/** Every comment (through the trivia around each token the parser produced) and the tree's depth. */
function structureOf(parsed: TypeScriptParsed): { comments: SourceComment[]; depth: number } {
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
  let deepest = 0;
  const stack: [ts.Node, number][] = [[sourceFile, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [ts.Node, number];
    if (depth > deepest) deepest = depth;
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    // JSX text cannot hold comments; everything else may have them between its tokens.
    if (node.kind !== JSX_TEXT) for (const child of node.getChildren(sourceFile)) stack.push([child, depth + 1]);
  }
  return { comments: comments.sort((a, b) => a.start - b.start), depth: deepest };
}

// Read once: every export of the `typescript` module is a getter, slow in a per-node loop.
const JSX_TEXT = ts.SyntaxKind.JsxText;

const typescriptPack: LanguagePack<TypeScriptParsed> = {
  id: 'typescript',
  extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'],
  languageIds: ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'],
  lineComment: '//',
  suppressionPlacement: 'line-above',
  checks,

  async init(options) {
    // The TypeScript compiler is plain JavaScript: nothing to load. A bundle ships the
    // compiler's lib.*.d.ts files beside the WASM files; look there first.
    projects.addLibCandidate(options.wasmDir);
  },

  parse(source: SourceText, fileName: string): TypeScriptParsed {
    const sourceFile = ts.createSourceFile(fileName, source.text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
    const text = source.text;
    // Recorded now (cheap), so that other files' programs see this text too.
    projects.update(fileName, text);
    let types: TypeScriptTypes | undefined | null = null;
    return {
      sourceFile,
      types: () => {
        if (types === null) types = projects.typesFor(fileName, text);
        return types;
      },
    };
  },

  structure: structureOf,

  dispose() {
    // Garbage-collected; the project model keeps the text until `forget`.
  },

  forget(fileName) {
    projects.forget(fileName);
  },

  invalidate(fileNames) {
    projects.invalidate(fileNames);
  },

  projectProblems() {
    return configProblems();
  },
};

export default typescriptPack;
