import { matchesModule } from '../../../engine/moduleGlobs';
import ts from 'typescript';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/unlabelled-sync-bridge';
import { bindingsOf, skipWrappers, type FileBindings } from '../facts/bindings';
import { commentLines, matchAround, type CommentLines } from '../facts/comments';
import { inFocus, reachesFocus, type EditedBody, type FocusableCheck } from '../incremental';

/**
 * Sync work moved off the event loop — a `worker_threads` `Worker`, a worker pool (piscina,
 * tinypool, workerpool) — must carry the guide's `SYNC EXCEPTION HANDLER` label: on the statement,
 * in the comments right above it, on an enclosing function or class, or in the comments that open
 * the module. With `allowedModules` set, bridges outside the matching modules are flagged whatever
 * their label.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

const LABEL = /SYNC EXCEPTION HANDLER/i;

/** The bridge a constructor or factory call creates, for the message, or undefined. */
function bridgeName(bindings: FileBindings, node: ts.NewExpression | ts.CallExpression): string | undefined {
  const resolved = bindings.resolve(node.expression);
  if (resolved?.module === undefined) return undefined;
  const { module, path } = resolved;
  const member = path.join('.');
  if (ts.isNewExpression(node)) {
    if (module === 'worker_threads' && member === 'Worker') return 'new Worker';
    if (module === 'piscina' && (member === '' || member === 'Piscina')) return 'new Piscina';
    if (module === 'tinypool' && (member === '' || member === 'Tinypool')) return 'new Tinypool';
    return undefined;
  }
  if (module === 'workerpool' && member === 'pool') return 'workerpool.pool';
  return undefined;
}


function isStatementLike(node: ts.Node): boolean {
  return ts.isStatement(node) || ts.isClassElement(node) || ts.isVariableStatement(node);
}

function enclosingStatement(node: ts.Node): ts.Node {
  let current = node;
  while (current.parent !== undefined && !ts.isSourceFile(current.parent) && !isStatementLike(current)) current = current.parent;
  return current;
}

/** The statement that declares a function or class: `const f = () => …` is declared by its variable statement. */
function definitionStart(node: ts.Node): ts.Node {
  let current = node;
  for (;;) {
    const parent = current.parent;
    if (parent === undefined || ts.isSourceFile(parent) || ts.isBlock(parent) || ts.isModuleBlock(parent) || ts.isClassLike(parent)) return current;
    if (ts.isVariableDeclaration(parent) || ts.isVariableDeclarationList(parent) || ts.isVariableStatement(parent) || ts.isExportAssignment(parent) || ts.isParenthesizedExpression(parent) || ts.isPropertyAssignment(parent)) {
      current = parent;
      continue;
    }
    return current;
  }
}

const COMPOUND: ReadonlySet<ts.SyntaxKind> = new Set([
  SyntaxKind.IfStatement,
  SyntaxKind.ForStatement,
  SyntaxKind.ForOfStatement,
  SyntaxKind.ForInStatement,
  SyntaxKind.WhileStatement,
  SyntaxKind.DoStatement,
  SyntaxKind.TryStatement,
  SyntaxKind.SwitchStatement,
  SyntaxKind.Block,
  SyntaxKind.LabeledStatement,
]);

function isLabelled(sourceFile: ts.SourceFile, lines: CommentLines, bridge: ts.Node, statement: ts.Node): boolean {
  const line = (offset: number): number => ts.getLineAndCharacterOfPosition(sourceFile, offset).line;
  const statementEnd = COMPOUND.has(statement.kind) ? bridge.getEnd() : statement.getEnd();
  if (matchAround(lines, line(statement.getStart(sourceFile)), line(statementEnd))) return true;
  for (let node = bridge.parent; node !== undefined && !ts.isSourceFile(node); node = node.parent) {
    if (!ts.isFunctionLike(node) && !ts.isClassLike(node)) continue;
    const start = line(definitionStart(node).getStart(sourceFile));
    let bodyStart: number | undefined;
    if (ts.isClassLike(node)) bodyStart = node.members.pos;
    else bodyStart = (node as ts.FunctionLikeDeclaration).body?.getStart(sourceFile);
    const headerEnd = bodyStart === undefined ? line(node.getStart(sourceFile)) : Math.max(start, line(bodyStart));
    if (matchAround(lines, start, headerEnd)) return true;
  }
  // A label in the comments that open the module, before its first statement.
  const first = sourceFile.statements[0];
  const firstLine = first === undefined ? Number.MAX_SAFE_INTEGER : line(first.getStart(sourceFile));
  for (const labelLine of lines.matching) if (labelLine < firstLine && lines.commentOnly.has(labelLine)) return true;
  return false;
}

function labelFix(sourceFile: ts.SourceFile, statement: ts.Node, eol: string): Fix[] {
  const text = sourceFile.text;
  const start = statement.getStart(sourceFile);
  const lineStart = Math.max(text.lastIndexOf('\n', start - 1), text.lastIndexOf('\r', start - 1)) + 1;
  const indent = text.slice(lineStart, start);
  // Only when the statement starts its line: a comment line above it then cannot cut other code.
  if (!/^[ \t]*$/.test(indent)) return [];
  return [
    {
      title: 'Add the `SYNC EXCEPTION HANDLER` label comment',
      safety: 'safe',
      edits: [{ start: lineStart, end: lineStart, newText: `${indent}// SYNC EXCEPTION HANDLER: <why sync is unavoidable>${eol}` }],
    },
  ];
}

/**
 * Whether a body's comments can label nothing outside it: none holds the label, and none touches
 * the line of its closing `}` (the only body line a label search from outside can pass through:
 * the search climbs comment-only lines upwards from a statement, and reads whole lines).
 */
function labelsStayInside(body: EditedBody): boolean {
  if (LABEL.test(body.text)) return false;
  const close = body.text.length - 1;
  const lineStart = Math.max(body.text.lastIndexOf('\n', close), body.text.lastIndexOf('\r', close));
  return lineStart < 0 || /^\s*$/.test(body.text.slice(lineStart + 1, close));
}

/**
 * Focusable: a finding depends on its call, the bindings visible there, and label comments on the
 * lines of its statement and enclosing headers or climbing up from them; `sameAcrossEdit` keeps
 * the body's comments out of every search from outside.
 */
const check: FocusableCheck = {
  rule,
  focusable: 'syntax',
  sameAcrossEdit: (before, after) => labelsStayInside(before) && labelsStayInside(after),
  run(context) {
    const { sourceFile, focus } = context.parsed;
    const text = sourceFile.text;
    if (!/Worker|Piscina|Tinypool|workerpool/i.test(text)) return;
    const bindings = bindingsOf(context.parsed);
    const allowed = Array.isArray(context.options.allowedModules)
      ? context.options.allowedModules.filter((p): p is string => typeof p === 'string' && p.length > 0)
      : [];
    let outsideAllowed: boolean | undefined;
    let lines: CommentLines | undefined;

    const inspect = (node: ts.NewExpression | ts.CallExpression): void => {
      const bridge = bridgeName(bindings, node);
      if (bridge === undefined) return;
      const anchor = skipWrappers(node.expression);
      const range = { start: ts.isNewExpression(node) ? node.getStart(sourceFile) : anchor.getStart(sourceFile), end: anchor.getEnd() };
      outsideAllowed ??= allowed.length > 0 && !matchesModule(context.fileName, allowed);
      if (outsideAllowed) {
        context.report({
          ...range,
          message:
            `\`${bridge}(...)\` bridges sync work outside the modules configured for it (\`allowedModules\`): ` +
            'move the sync wrapper into one of them and label it `SYNC EXCEPTION HANDLER`.',
        });
        return;
      }
      const statement = enclosingStatement(node);
      lines ??= commentLines(sourceFile, LABEL);
      if (isLabelled(sourceFile, lines, node, statement)) return;
      context.report({
        ...range,
        message:
          `\`${bridge}(...)\` runs sync work on another thread without the \`SYNC EXCEPTION HANDLER\` label: ` +
          'add a `// SYNC EXCEPTION HANDLER: <why>` comment saying why sync is unavoidable here.',
        fixes: labelFix(sourceFile, statement, context.source.eol),
      });
    };

    const visit = (node: ts.Node): void => {
      if (!reachesFocus(focus, node)) return;
      if ((node.kind === SyntaxKind.NewExpression || node.kind === SyntaxKind.CallExpression) && inFocus(focus, node)) inspect(node as ts.NewExpression | ts.CallExpression);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
