import ts from 'typescript';

/** Small syntax helpers shared by the TypeScript checks and their fixes. */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;

/**
 * Whether replacing `expression` by `await <expression>` needs parentheses around it to keep the
 * same meaning (or to parse at all): it is the object of a member access, the callee of a call or
 * `new`, a tag, the operand of `!`, the left side of `**`, or a class heritage expression.
 */
export function awaitNeedsParentheses(expression: ts.Expression): boolean {
  const parent = expression.parent;
  switch (parent.kind) {
    case SyntaxKind.PropertyAccessExpression:
    case SyntaxKind.ElementAccessExpression:
    case SyntaxKind.CallExpression:
    case SyntaxKind.NewExpression:
      return (parent as ts.PropertyAccessExpression | ts.ElementAccessExpression | ts.CallExpression | ts.NewExpression).expression === expression;
    case SyntaxKind.TaggedTemplateExpression:
      return (parent as ts.TaggedTemplateExpression).tag === expression;
    case SyntaxKind.BinaryExpression: {
      const binary = parent as ts.BinaryExpression;
      return binary.operatorToken.kind === SyntaxKind.AsteriskAsteriskToken && binary.left === expression;
    }
    case SyntaxKind.NonNullExpression:
    case SyntaxKind.ExpressionWithTypeArguments:
    case SyntaxKind.Decorator:
    case SyntaxKind.PostfixUnaryExpression:
      return true;
    default:
      return false;
  }
}

/** The statement kinds whose end is a closing brace that cannot continue into an expression. */
function endsWithBlock(statement: ts.Statement): boolean {
  switch (statement.kind) {
    case SyntaxKind.Block:
    case SyntaxKind.FunctionDeclaration:
    case SyntaxKind.ClassDeclaration:
    case SyntaxKind.IfStatement:
    case SyntaxKind.ForStatement:
    case SyntaxKind.ForInStatement:
    case SyntaxKind.ForOfStatement:
    case SyntaxKind.WhileStatement:
    case SyntaxKind.TryStatement:
    case SyntaxKind.SwitchStatement:
    case SyntaxKind.LabeledStatement:
    case SyntaxKind.ModuleDeclaration:
    case SyntaxKind.EnumDeclaration:
    case SyntaxKind.InterfaceDeclaration:
    case SyntaxKind.EmptyStatement:
      return true;
    default:
      return false;
  }
}

/**
 * When new text starting with `(` is put at `start`, and `start` is also the start of a statement
 * that follows a statement without a semicolon (code written without semicolons), the `(` would
 * continue the previous line as a call. Returns `";"` to prefix in that case, otherwise `""`.
 */
export function asiGuard(node: ts.Node, start: number, sourceFile: ts.SourceFile): string {
  let statement: ts.Node | undefined = node;
  while (statement !== undefined && !ts.isStatement(statement)) {
    if (statement.getStart(sourceFile) !== start) return '';
    statement = statement.parent;
  }
  if (statement === undefined || statement.getStart(sourceFile) !== start) return '';
  const container = statement.parent as ts.Node & { statements?: ts.NodeArray<ts.Statement> };
  const siblings = container.statements;
  if (siblings === undefined) return '';
  const index = siblings.indexOf(statement as ts.Statement);
  if (index <= 0) return '';
  const previous = siblings[index - 1];
  const lastChar = sourceFile.text.charAt(previous.getEnd() - 1);
  if (lastChar === ';' || (lastChar === '}' && endsWithBlock(previous))) return '';
  return ';';
}

/** Whether `node` is the whole value of its statement: `x;`, `const a = x;`, `return x;`. */
export function isWholeStatementValue(node: ts.Expression): boolean {
  const parent = node.parent;
  if (ts.isExpressionStatement(parent) || ts.isReturnStatement(parent)) return parent.expression === node;
  if (ts.isVariableDeclaration(parent)) return parent.initializer === node;
  return false;
}

/** Every offset at which `word` occurs in `text`, in order (a cheap prefilter for tree walks). */
export function occurrencesOf(text: string, word: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) out.push(at);
  return out;
}

/** Whether one of `offsets` (sorted) lies in [start, end). */
export function occursIn(offsets: readonly number[], start: number, end: number): boolean {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (offsets[middle] < start) low = middle + 1;
    else high = middle;
  }
  return low < offsets.length && offsets[low] < end;
}
