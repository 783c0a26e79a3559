import ts from 'typescript';

/** Comments of a file, by line: for rules that look for label comments near code. */

export interface CommentLines {
  /** Lines on which a comment matching the pattern starts or ends. */
  readonly matching: ReadonlySet<number>;
  /** Lines that hold nothing but comments (and whitespace). */
  readonly commentOnly: ReadonlySet<number>;
}

function lineOf(sourceFile: ts.SourceFile, offset: number): number {
  return ts.getLineAndCharacterOfPosition(sourceFile, offset).line;
}

/** A comment's offsets, delimiters included. */
export interface CommentSpan {
  start: number;
  end: number;
}

// Read once: every export of the `typescript` module is a getter, slow in a per-node loop.
const JSX_TEXT = ts.SyntaxKind.JsxText;
const FIRST_NODE = ts.SyntaxKind.FirstNode;
const SLASH = 0x2f;
const SINGLE_LINE_COMMENT = ts.SyntaxKind.SingleLineCommentTrivia;
const MULTI_LINE_COMMENT = ts.SyntaxKind.MultiLineCommentTrivia;
const END_OF_FILE = ts.SyntaxKind.EndOfFileToken;
const forEachChild = ts.forEachChild;
const getLeadingCommentRanges = ts.getLeadingCommentRanges;
const getTrailingCommentRanges = ts.getTrailingCommentRanges;

function hasSlash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === SLASH) return true;
  return false;
}

/**
 * Every comment of the file and the tree's depth, in one walk with `forEachChild` (no
 * `getChildren`, which builds and keeps a token list on every node: the walk may run over the
 * program's own SourceFile). Comments live only in trivia, which is either the leading trivia of
 * a leaf (identifier, literal, keyword or punctuation node) or lies in a gap between a node's
 * children, next to the node's own tokens (`(`, `,`, `{`...): leaves have their leading trivia
 * read, gaps that hold a `/` are scanned. Depth counts as the syntax-list view of the tree does:
 * a list of children is one level, and a node's own tokens one level below it.
 */
export function walkStructure(sourceFile: ts.SourceFile): { comments: CommentSpan[]; depth: number } {
  let structure = structures.get(sourceFile);
  if (structure === undefined) {
    const walk = new StructureWalk(sourceFile);
    structure = { comments: walk.comments, depth: walk.walk(sourceFile, 0) };
    structure.comments.sort((a, b) => a.start - b.start);
    structures.set(sourceFile, structure);
  }
  return structure;
}

/** Full walks, per SourceFile: the engine's structure pass and the comment rules share one. */
const structures = new WeakMap<ts.SourceFile, { comments: CommentSpan[]; depth: number }>();

/** Records the structure of a SourceFile computed otherwise (see incremental.ts): later `walkStructure` calls reuse it. */
export function rememberStructure(sourceFile: ts.SourceFile, structure: { comments: CommentSpan[]; depth: number }): void {
  structures.set(sourceFile, structure);
}

/**
 * The structure walk in parts: `walk(root, depth)` walks one subtree whose root sits at `depth`,
 * adding its comments to `comments` (unsorted; one entry per comment across all walks) and
 * returning its deepest level. Nodes in `defer` are not entered: their depth is recorded in
 * `deferred`, to be walked on their own. Walking the file with some subtrees deferred, then
 * each deferred subtree from its recorded depth, finds the same comments and depth as one walk.
 */
export class StructureWalk {
  readonly comments: CommentSpan[] = [];
  readonly deferred = new Map<ts.Node, number>();
  private readonly seen = new Set<number>();

  constructor(
    private readonly sourceFile: ts.SourceFile,
    private readonly defer?: ReadonlySet<ts.Node>,
  ) {}

  walk(root: ts.Node, rootDepth: number): number {
    return walkFrom(this.sourceFile, root, rootDepth, this.seen, this.comments, this.defer, this.deferred);
  }
}

function walkFrom(
  sourceFile: ts.SourceFile,
  root: ts.Node,
  rootDepth: number,
  seen: Set<number>,
  comments: CommentSpan[],
  defer: ReadonlySet<ts.Node> | undefined,
  deferred: Map<ts.Node, number>,
): number {
  const text = sourceFile.text;
  const add = (start: number, end: number): void => {
    if (seen.has(start)) return;
    seen.add(start);
    comments.push({ start, end });
  };
  const addRanges = (ranges: ts.CommentRange[] | undefined): void => {
    if (ranges !== undefined) for (const range of ranges) add(range.pos, range.end);
  };
  let scanner: ts.Scanner | undefined;
  /** Comments between `start` and `end`, where only this node's own tokens and trivia lie. */
  const scanGap = (start: number, end: number): void => {
    if (end <= start || !hasSlash(text, start, end)) return;
    scanner ??= ts.createScanner(ts.ScriptTarget.Latest, false, sourceFile.languageVariant, text);
    scanner.resetTokenState(start);
    for (;;) {
      const kind = scanner.scan();
      if (kind === END_OF_FILE || scanner.getTokenStart() >= end) break;
      if (kind === SINGLE_LINE_COMMENT || kind === MULTI_LINE_COMMENT) add(scanner.getTokenStart(), scanner.getTokenEnd());
    }
  };

  let deepest = 0;
  const nodes: ts.Node[] = [root];
  const depths: number[] = [rootDepth];
  const children: ts.Node[] = [];
  const childDepths: number[] = [];
  let childDepth = 0;
  const collect = (child: ts.Node): void => {
    children.push(child);
    childDepths.push(childDepth + 1);
  };
  const collectList = (list: ts.NodeArray<ts.Node>): void => {
    // A list is a level of its own (a syntax list), its elements one below.
    for (const child of list) {
      children.push(child);
      childDepths.push(childDepth + 2);
    }
  };
  while (nodes.length > 0) {
    const node = nodes.pop() as ts.Node;
    const depth = depths.pop() as number;
    if (defer !== undefined && node !== root && defer.has(node)) {
      deferred.set(node, depth);
      continue;
    }
    if (depth > deepest) deepest = depth;
    if (node.kind < FIRST_NODE) {
      // A leaf: its leading trivia (JSX text is text, never a comment).
      if (node.kind !== JSX_TEXT && hasSlash(text, node.pos, Math.min(node.end, text.length))) {
        addRanges(getLeadingCommentRanges(text, node.pos));
        addRanges(getTrailingCommentRanges(text, node.pos));
      }
      continue;
    }
    // The node's own tokens sit one level below it.
    if (depth + 1 > deepest) deepest = depth + 1;
    children.length = 0;
    childDepths.length = 0;
    childDepth = depth;
    forEachChild(node, collect, collectList);
    let sorted = true;
    for (let i = 1; i < children.length && sorted; i++) sorted = children[i].pos >= children[i - 1].pos;
    if (!sorted) {
      // Rare (forEachChild follows source order almost everywhere): sort both lists together.
      const order = children.map((_, i) => i).sort((a, b) => children[a].pos - children[b].pos);
      const byPos = order.map((i) => children[i]);
      const depthsByPos = order.map((i) => childDepths[i]);
      children.splice(0, children.length, ...byPos);
      childDepths.splice(0, childDepths.length, ...depthsByPos);
    }
    let at = node.pos;
    for (const child of children) {
      scanGap(at, child.pos);
      if (child.end > at) at = child.end;
    }
    scanGap(at, node.end);
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]);
      depths.push(childDepths[i]);
    }
  }
  return deepest;
}

/** Every comment of the file, in order (never inside strings, regexes, templates or JSX text). */
export function forEachComment(sourceFile: ts.SourceFile, visit: (range: CommentSpan) => void): void {
  for (const comment of walkStructure(sourceFile).comments) visit(comment);
}

export function commentLines(sourceFile: ts.SourceFile, pattern: RegExp): CommentLines {
  const text = sourceFile.text;
  const matching = new Set<number>();
  const commentOnly = new Set<number>();
  forEachComment(sourceFile, (range) => {
    const startLine = lineOf(sourceFile, range.start);
    const endLine = lineOf(sourceFile, range.end);
    if (pattern.test(text.slice(range.start, range.end))) {
      matching.add(startLine);
      matching.add(endLine);
    }
    const lineStart = ts.getPositionOfLineAndCharacter(sourceFile, startLine, 0);
    if (/^\s*$/.test(text.slice(lineStart, range.start))) {
      for (let line = startLine; line <= endLine; line++) commentOnly.add(line);
    }
  });
  return { matching, commentOnly };
}

/** A matching comment on one of the lines [from, to], or in the run of comment-only lines directly above `from`. */
export function matchAround(lines: CommentLines, from: number, to: number): boolean {
  for (let line = from; line <= to; line++) if (lines.matching.has(line)) return true;
  for (let line = from - 1; line >= 0 && lines.commentOnly.has(line); line--) if (lines.matching.has(line)) return true;
  return false;
}
