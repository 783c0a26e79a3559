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

/** Every comment of the file, found through the trivia around the parser's tokens (never inside strings). */
export function forEachComment(sourceFile: ts.SourceFile, visit: (range: ts.CommentRange) => void): void {
  const text = sourceFile.text;
  const seen = new Set<number>();
  const add = (ranges: ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      visit(range);
    }
  };
  const stack: ts.Node[] = [sourceFile];
  while (stack.length > 0) {
    const node = stack.pop() as ts.Node;
    add(ts.getLeadingCommentRanges(text, node.pos));
    add(ts.getTrailingCommentRanges(text, node.end));
    if (node.kind !== ts.SyntaxKind.JsxText) stack.push(...node.getChildren(sourceFile));
  }
}

export function commentLines(sourceFile: ts.SourceFile, pattern: RegExp): CommentLines {
  const text = sourceFile.text;
  const matching = new Set<number>();
  const commentOnly = new Set<number>();
  forEachComment(sourceFile, (range) => {
    const startLine = lineOf(sourceFile, range.pos);
    const endLine = lineOf(sourceFile, range.end);
    if (pattern.test(text.slice(range.pos, range.end))) {
      matching.add(startLine);
      matching.add(endLine);
    }
    const lineStart = ts.getPositionOfLineAndCharacter(sourceFile, startLine, 0);
    if (/^\s*$/.test(text.slice(lineStart, range.pos))) {
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
