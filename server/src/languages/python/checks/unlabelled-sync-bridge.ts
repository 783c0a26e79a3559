import { matchesModule } from '../../../engine/moduleGlobs';
import type { Node } from 'web-tree-sitter';
import type { SourceText } from '../../../engine/sourceText';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/unlabelled-sync-bridge';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { field, parentOf, textOf, typeOf } from '../facts/nodes';
import type { Scope } from '../facts/scopes';
import { definitionStatement, docstringOf, enclosingStatement, indentationBefore, syntaxIndex } from '../facts/syntaxIndex';
import type { PythonCheck, PythonCheckContext } from '../parsed';

const LABEL = /SYNC EXCEPTION HANDLER/i;

/** Functions that run a sync callable on a worker thread, by qualified name. */
const BRIDGES: ReadonlySet<string> = new Set(['asyncio.to_thread', 'anyio.to_thread.run_sync', 'starlette.concurrency.run_in_threadpool']);

const EXECUTOR_FACTORIES: ReadonlySet<string> = new Set([
  'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.thread.ThreadPoolExecutor',
  'concurrent.futures.process.ProcessPoolExecutor',
]);

/** Names that, with nothing better known, stand for an executor: `executor`, `self._executor`, `io_executor`. */
const EXECUTOR_NAME = /^_*(?:[A-Za-z0-9]+_)*executor$/i;

function lastName(node: Node): string | undefined {
  const type = typeOf(node);
  if (type === 'identifier') return textOf(node);
  if (type === 'attribute') {
    const attribute = field(node, 'attribute');
    return attribute === null ? undefined : textOf(attribute);
  }
  return undefined;
}

function isExecutor(facts: PythonFacts, receiver: Node, scope: Scope): boolean {
  if (typeOf(receiver) === 'call') {
    const factory = facts.qualifiedName(receiver, scope);
    return factory !== undefined && EXECUTOR_FACTORIES.has(factory);
  }
  if (typeOf(receiver) === 'identifier') {
    const resolution = facts.resolve(textOf(receiver), scope);
    if (resolution.kind === 'builtin') return false;
    const assigned = facts.assignedValue(receiver, scope);
    if (assigned?.value.type === 'call') {
      const factory = facts.qualifiedName(assigned.value, assigned.scope);
      if (factory !== undefined && EXECUTOR_FACTORIES.has(factory)) return true;
    }
  }
  const name = lastName(receiver);
  return name !== undefined && EXECUTOR_NAME.test(name);
}

/** The bridge `call` is, for the message, or undefined. */
function bridgeName(facts: PythonFacts, call: Node, scope: Scope): string | undefined {
  const callee = field(call, 'function');
  if (callee === null) return undefined;
  if (typeOf(callee) === 'attribute') {
    const attribute = field(callee, 'attribute');
    const method = attribute === null ? undefined : textOf(attribute);
    const receiver = field(callee, 'object');
    if (method === 'run_in_executor') return 'loop.run_in_executor';
    // `executor.submit` in sync code is ordinary thread-pool use; from a coroutine it is a bridge.
    if (method === 'submit' && scope.isAsync && receiver !== null && isExecutor(facts, receiver, scope)) return 'executor.submit';
  }
  const qualified = facts.qualifiedName(callee, scope);
  return qualified !== undefined && BRIDGES.has(qualified) ? qualified : undefined;
}

/** Lines that carry the label, and lines that hold nothing but a comment. */
interface CommentLines {
  label: Set<number>;
  commentOnly: Set<number>;
}

function commentLines(comments: readonly Node[], source: SourceText): CommentLines {
  const label = new Set<number>();
  const commentOnly = new Set<number>();
  for (const comment of comments) {
    const line = source.positionAt(comment.startIndex).line;
    if (LABEL.test(comment.text)) label.add(line);
    if (indentationBefore(source, comment.startIndex) !== undefined) commentOnly.add(line);
  }
  return { label, commentOnly };
}

/** A label on one of the lines [from, to], or in the block of comment lines directly above `from`. */
function labelledAround(lines: CommentLines, from: number, to: number): boolean {
  for (let line = from; line <= to; line++) if (lines.label.has(line)) return true;
  for (let line = from - 1; line >= 0 && lines.commentOnly.has(line); line--) if (lines.label.has(line)) return true;
  return false;
}

const COMPOUND: ReadonlySet<string> = new Set([
  'if_statement',
  'for_statement',
  'while_statement',
  'with_statement',
  'try_statement',
  'match_statement',
  'function_definition',
  'class_definition',
  'decorated_definition',
]);

function lineOf(source: SourceText, offset: number): number {
  return source.positionAt(offset).line;
}

/** The call's statement, any enclosing def or class, or the module carries the label. */
function isLabelled(source: SourceText, lines: CommentLines, root: Node, call: Node, statement: Node): boolean {
  const statementEnd = COMPOUND.has(statement.type) ? call.endIndex : statement.endIndex;
  if (labelledAround(lines, lineOf(source, statement.startIndex), lineOf(source, statementEnd))) return true;
  for (let node = parentOf(call); node !== null; node = parentOf(node)) {
    if (node.type !== 'function_definition' && node.type !== 'class_definition') continue;
    const body = field(node, 'body');
    if (LABEL.test(docstringOf(body)?.text ?? '')) return true;
    const start = lineOf(source, definitionStatement(node).startIndex);
    const headerEnd = body === null ? start : Math.max(lineOf(source, node.startIndex), lineOf(source, body.startIndex) - 1);
    if (labelledAround(lines, start, headerEnd)) return true;
  }
  if (LABEL.test(docstringOf(root)?.text ?? '')) return true;
  // A label in the comments that open the module, before its first statement.
  const first = root.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const firstLine = first === undefined || first === null ? Number.MAX_SAFE_INTEGER : lineOf(source, first.startIndex);
  for (const line of lines.label) if (line < firstLine && lines.commentOnly.has(line)) return true;
  return false;
}


function labelFix(context: PythonCheckContext, statement: Node): Fix[] {
  const source = context.source;
  const indent = indentationBefore(source, statement.startIndex);
  if (indent === undefined) return [];
  const at = source.lineStart(lineOf(source, statement.startIndex));
  return [
    {
      title: 'Add the `SYNC EXCEPTION HANDLER` label comment',
      safety: 'safe',
      edits: [{ start: at, end: at, newText: `${indent}# SYNC EXCEPTION HANDLER: <why sync is unavoidable>${source.eol}` }],
    },
  ];
}

const check: PythonCheck = {
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    const allowed = Array.isArray(context.options.allowedModules)
      ? context.options.allowedModules.filter((p): p is string => typeof p === 'string' && p.length > 0)
      : [];
    let outsideAllowed: boolean | undefined;
    let lines: CommentLines | undefined;
    for (const { node: call, scope } of facts.calls) {
      const bridge = bridgeName(facts, call, scope);
      if (bridge === undefined) continue;
      const statement = enclosingStatement(call);
      outsideAllowed ??= allowed.length > 0 && !matchesModule(context.fileName, allowed);
      const anchor = field(call, 'function') ?? call;
      if (outsideAllowed) {
        context.report({
          start: anchor.startIndex,
          end: anchor.endIndex,
          message:
            `\`${bridge}(...)\` bridges sync work outside the modules configured for it (\`allowedModules\`): ` +
            'move the sync wrapper into one of them and label it `SYNC EXCEPTION HANDLER`.',
        });
        continue;
      }
      lines ??= commentLines(syntaxIndex(context.parsed).comments, context.source);
      if (isLabelled(context.source, lines, context.parsed.root, call, statement)) continue;
      context.report({
        start: anchor.startIndex,
        end: anchor.endIndex,
        message:
          `\`${bridge}(...)\` runs sync work on a thread without the \`SYNC EXCEPTION HANDLER\` label: ` +
          'add a `# SYNC EXCEPTION HANDLER: <why>` comment saying why sync is unavoidable here.',
        fixes: labelFix(context, statement),
      });
    }
  },
};

export default check;
