import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/swallowed-exception';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { LOG_METHODS, moduleLoggerName } from '../facts/logging';
import { field } from '../facts/nodes';
import type { Scope } from '../facts/scopes';
import { indentationBefore, syntaxIndex } from '../facts/syntaxIndex';
import { type FocusableCheck, inFocus } from '../incremental';
import type { PythonCheckContext } from '../parsed';

const BROAD: ReadonlySet<string> = new Set(['Exception', 'BaseException']);

/** The node that makes the handler broad (`Exception` in a tuple, ...), or undefined. */
function broadType(facts: PythonFacts, type: Node, scope: Scope): Node | undefined {
  switch (type.type) {
    case 'identifier': {
      if (!BROAD.has(type.text)) return undefined;
      const resolution = facts.resolve(type.text, scope);
      if (resolution.kind === 'unknown') return type;
      return resolution.kind === 'import' && resolution.qualified === `builtins.${type.text}` ? type : undefined;
    }
    case 'attribute': {
      const qualified = facts.qualifiedName(type, scope);
      return qualified === 'builtins.Exception' || qualified === 'builtins.BaseException' ? type : undefined;
    }
    case 'tuple':
    case 'parenthesized_expression':
      for (const element of type.namedChildren) {
        if (element === null) continue;
        const found = broadType(facts, element, scope);
        if (found !== undefined) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

interface Handler {
  /** Where the diagnostic goes: the broad type, or the `except` keyword of a bare `except:`. */
  anchor: Node;
  label: string;
  block: Node;
  /** The name the exception is bound to (`as e`), if any. */
  bound: string | undefined;
  /** The `:` that ends the clause's header. */
  colon: Node | undefined;
}

function broadHandler(facts: PythonFacts, clause: Node): Handler | undefined {
  const block = clause.namedChildren.find((c): c is Node => c !== null && c.type === 'block');
  const keyword = clause.firstChild;
  if (block === undefined || keyword?.type !== 'except') return undefined;
  const colon = clause.children.find((c): c is Node => c !== null && c.type === ':') ?? undefined;
  const value = clause.namedChildren.find((c): c is Node => c !== null && c.type !== 'block' && c.type !== 'comment');
  if (value === undefined) {
    return clause.children.some((c) => c?.type === '*') ? undefined : { anchor: keyword, label: 'except:', block, bound: undefined, colon };
  }
  let type = value;
  let bound: string | undefined;
  if (value.type === 'as_pattern') {
    type = value.firstNamedChild ?? value;
    const alias = field(value, 'alias');
    const name = alias?.type === 'as_pattern_target' ? alias.firstNamedChild : alias;
    if (name?.type === 'identifier') bound = name.text;
  }
  const broad = broadType(facts, type, facts.scopeOf(clause));
  if (broad === undefined) return undefined;
  return { anchor: broad, label: `except ${broad.text}`, block, bound, colon };
}

const NESTED_SCOPES: ReadonlySet<string> = new Set(['function_definition', 'lambda', 'class_definition']);

/** The last name of a callee: `print_exc` for `traceback.print_exc`. */
function calleeName(call: Node): string | undefined {
  const callee = field(call, 'function');
  if (callee?.type === 'identifier') return callee.text;
  if (callee?.type === 'attribute') return field(callee, 'attribute')?.text;
  return undefined;
}

function isFalsy(node: Node | null): boolean {
  return node !== null && (node.type === 'false' || node.type === 'none' || (node.type === 'integer' && node.text === '0'));
}

/** True when an identifier is a plain read of a name (not `x.name` or a keyword `name=`). */
function isNameUse(identifier: Node): boolean {
  const parent = identifier.parent;
  if (parent === null) return true;
  if (parent.type === 'attribute') return field(parent, 'object')?.id === identifier.id;
  if (parent.type === 'keyword_argument') return field(parent, 'value')?.id === identifier.id;
  return true;
}

type Verdict = 'handled' | 'logs-without-exception' | 'swallowed';

/**
 * Looks through the handler's own code (not nested functions or classes): a `raise` anywhere,
 * any use of the bound exception, a call whose name mentions the exception or its traceback
 * (`logger.exception`, `traceback.print_exc`, `self.showtraceback`, `sys.exc_info`, `future.set_exception`, `capture_exception`, ...) or
 * that passes a truthy `exc_info=` all count as handling it.
 */
function verdictOf(handler: Handler): Verdict {
  let logs = false;
  const cursor = handler.block.walk();
  try {
    for (;;) {
      const type = cursor.nodeType;
      const descend = !NESTED_SCOPES.has(type);
      if (type === 'raise_statement') return 'handled';
      if (type === 'identifier' && handler.bound !== undefined && cursor.nodeText === handler.bound && isNameUse(cursor.currentNode)) {
        return 'handled';
      }
      if (type === 'call') {
        const call = cursor.currentNode;
        const name = calleeName(call);
        if (name !== undefined && /exc|traceback/i.test(name)) return 'handled';
        const args = field(call, 'arguments');
        for (const arg of args?.namedChildren ?? []) {
          if (arg?.type !== 'keyword_argument' || field(arg, 'name')?.text !== 'exc_info') continue;
          if (!isFalsy(field(arg, 'value'))) return 'handled';
        }
        if (name !== undefined && LOG_METHODS.has(name) && field(call, 'function')?.type === 'attribute') logs = true;
      }
      if (descend && cursor.gotoFirstChild()) continue;
      let moved = false;
      while (!moved) {
        if (cursor.currentNode.id === handler.block.id) return logs ? 'logs-without-exception' : 'swallowed';
        if (cursor.gotoNextSibling()) moved = true;
        else if (!cursor.gotoParent()) return logs ? 'logs-without-exception' : 'swallowed';
      }
    }
  } finally {
    cursor.delete();
  }
}

function statements(block: Node): Node[] {
  return block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function isPlaceholderOnly(block: Node): boolean {
  const body = statements(block);
  return (
    body.length > 0 &&
    body.every((s) => s.type === 'pass_statement' || (s.type === 'expression_statement' && s.namedChildCount === 1 && s.firstNamedChild?.type === 'ellipsis'))
  );
}

function functionLabel(facts: PythonFacts, node: Node): string {
  const fn = facts.enclosingFunction(node);
  const name = fn?.type === 'function_definition' ? field(fn, 'name')?.text : undefined;
  return name === undefined ? 'Unexpected error' : `Unexpected error in ${name}`;
}

function loggingFix(context: PythonCheckContext, facts: PythonFacts, handler: Handler): Fix[] {
  const body = statements(handler.block);
  const first = body[0];
  if (first === undefined || handler.block.hasError) return [];
  const logger = moduleLoggerName(facts, facts.scopeOf(first));
  if (logger === undefined) return [];
  const call = `${logger}.exception("${functionLabel(facts, handler.block)}")`;
  const title = `Log the exception with \`${logger}.exception(...)\``;
  if (body.length === 1 && isPlaceholderOnly(handler.block)) {
    return [{ title, safety: 'unsafe', edits: [{ start: first.startIndex, end: first.endIndex, newText: call }] }];
  }
  const source = context.source;
  if (handler.colon === undefined) return [];
  const colonLine = source.positionAt(handler.colon.startIndex).line;
  const firstLine = source.positionAt(first.startIndex).line;
  if (firstLine === colonLine) {
    return [{ title, safety: 'unsafe', edits: [{ start: first.startIndex, end: first.startIndex, newText: `${call}; ` }] }];
  }
  const indent = indentationBefore(source, first.startIndex);
  if (indent === undefined) return [];
  const at = source.lineStart(firstLine);
  return [{ title, safety: 'unsafe', edits: [{ start: at, end: at, newText: `${indent}${call}${source.eol}` }] }];
}

const MESSAGES: Record<Exclude<Verdict, 'handled'>, (label: string) => string> = {
  swallowed: (label) =>
    `This broad \`${label}\` handler neither re-raises nor logs the exception, so the failure and its traceback vanish: ` +
    'log it with `logger.exception(...)`, re-raise, or catch only the exceptions you expect.',
  'logs-without-exception': (label) =>
    `This broad \`${label}\` handler logs without the exception, so its traceback is lost: ` +
    'use `logger.exception(...)` or pass `exc_info=True`, or re-raise.',
};

/**
 * Focusable (see incremental.ts): a handler is judged from its own clause, the names of its scopes
 * and the module's loggers, and reported (and fixed) inside itself.
 */
const check: FocusableCheck = {
  focusable: true,
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    for (const clause of inFocus(syntaxIndex(context.parsed).exceptClauses, context.parsed.focus, (c) => c.startIndex)) {
      const handler = broadHandler(facts, clause);
      if (handler === undefined) continue;
      const verdict = verdictOf(handler);
      if (verdict === 'handled') continue;
      const message = isPlaceholderOnly(handler.block)
        ? `\`${handler.label}\` with an empty body silently discards every error, traceback included: ` +
          'log it with `logger.exception(...)`, re-raise, or catch only the exceptions you expect.'
        : MESSAGES[verdict](handler.label);
      context.report({
        start: handler.anchor.startIndex,
        end: handler.anchor.endIndex,
        message,
        fixes: loggingFix(context, facts, handler),
      });
    }
  },
};

export default check;
