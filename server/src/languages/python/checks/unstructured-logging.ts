import type { Node } from 'web-tree-sitter';
import type { Fix } from '../../../engine/types';
import rule from '../../../rules/unstructured-logging';
import { pythonFacts } from '../facts/facts';
import { type LoggingCall, loggingCall } from '../facts/logging';
import { field, textOf, typeOf } from '../facts/nodes';
import { isTestFileName, syntaxIndex } from '../facts/syntaxIndex';
import { type FocusableCheck, sitesInFocus } from '../incremental';
import type { PythonCheckContext } from '../parsed';

type Built = 'f-string' | 'percent' | 'format';

function stringPrefix(node: Node): string {
  const start = node.firstChild;
  return start?.type === 'string_start' ? start.text.replace(/['"]+$/, '') : '';
}

function isFString(node: Node): boolean {
  return node.type === 'string' && /f/i.test(stringPrefix(node)) && node.namedChildren.some((c) => c?.type === 'interpolation');
}

function isStringLiteral(node: Node): boolean {
  return node.type === 'string' || node.type === 'concatenated_string';
}

/** How a log message was built by string formatting, or undefined when it is a plain template. */
function builtBy(message: Node): Built | undefined {
  switch (message.type) {
    case 'string':
      return isFString(message) ? 'f-string' : undefined;
    case 'concatenated_string':
      return message.namedChildren.some((c) => c !== null && isFString(c)) ? 'f-string' : undefined;
    case 'binary_operator': {
      const left = field(message, 'left');
      const operator = field(message, 'operator');
      return operator?.type === '%' && left !== null && isStringLiteral(left) ? 'percent' : undefined;
    }
    case 'call': {
      const callee = field(message, 'function');
      if (callee?.type !== 'attribute' || field(callee, 'attribute')?.text !== 'format') return undefined;
      const object = field(callee, 'object');
      return object !== null && isStringLiteral(object) ? 'format' : undefined;
    }
    default:
      return undefined;
  }
}

const HOW: Record<Built, string> = {
  'f-string': 'an f-string',
  percent: '`%` formatting',
  format: '`.format(...)`',
};

/** An escape sequence that stands for `%` would become a conversion in a `%` template. */
const PERCENT_ESCAPE = /\\(?:x25|0?45|u0025|U00000025|N\{[^}]*PERCENT)/i;

/**
 * The `%`-style rewrite of an f-string message: the template (same quotes and prefix without the
 * `f`, `%` doubled, `{{`/`}}` undoubled) and the argument texts, or undefined when a placeholder
 * cannot be written exactly in `%` style (format specs, `=` self-documenting expressions).
 */
function percentStyle(message: Node, text: string): { template: string; args: string[] } | undefined {
  if (message.type !== 'string' || message.hasError) return undefined;
  const start = message.firstChild;
  const end = message.lastChild;
  if (start?.type !== 'string_start' || end?.type !== 'string_end') return undefined;
  const prefix = stringPrefix(message);
  const quote = start.text.slice(prefix.length);
  const raw = /r/i.test(prefix);
  let template = `${prefix.replace(/f/gi, '')}${quote}`;
  const args: string[] = [];
  for (const part of message.children) {
    if (part === null || part.id === start.id || part.id === end.id) continue;
    if (part.type === 'string_content') {
      if (!raw && PERCENT_ESCAPE.test(part.text)) return undefined;
      template += part.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}').replace(/%/g, '%%');
    } else if (part.type === 'interpolation') {
      if (field(part, 'format_specifier') !== null || part.children.some((c) => c?.type === '=')) return undefined;
      const expression = field(part, 'expression');
      if (expression === null) return undefined;
      const conversion = field(part, 'type_conversion')?.text ?? '';
      const directive = conversion === '' || conversion === '!s' ? '%s' : conversion === '!r' ? '%r' : conversion === '!a' ? '%a' : undefined;
      if (directive === undefined) return undefined;
      template += directive;
      let argument = text.slice(expression.startIndex, expression.endIndex);
      // `f"{a, b}"` formats one tuple: keep it one argument.
      if (expression.type === 'expression_list' || expression.type === 'yield') argument = `(${argument})`;
      args.push(argument);
    } else {
      return undefined;
    }
  }
  return { template: `${template}${quote}`, args };
}

function fStringFix(context: PythonCheckContext, call: Node, logging: LoggingCall): Fix[] {
  const message = logging.message;
  if (message === undefined || logging.kind !== 'stdlib') return [];
  const args = field(call, 'arguments');
  if (args === null || args.hasError) return [];
  // Positional arguments after the message would already fill `%` placeholders in its text.
  const after = message.nextNamedSibling;
  if (after !== null && after.type !== 'keyword_argument' && after.type !== 'comment') return [];
  const rewrite = percentStyle(message, context.source.text);
  if (rewrite === undefined || rewrite.args.length === 0) return [];
  return [
    {
      title: 'Pass the values as logging arguments (`%s` placeholders)',
      safety: 'safe',
      edits: [{ start: message.startIndex, end: message.endIndex, newText: [rewrite.template, ...rewrite.args].join(', ') }],
    },
  ];
}

/** A module that imports pytest is a test module too (a plugin or a test outside the conventions). */
function importsPytest(context: PythonCheckContext): boolean {
  const bindings = pythonFacts(context.parsed).module.bindings;
  for (const list of bindings.values()) {
    if (list.some((b) => b.kind === 'import' && (b.qualified === 'pytest' || b.qualified.startsWith('pytest.')))) return true;
  }
  return false;
}

/**
 * Focusable (see incremental.ts): a call is judged from its own text, the names of its scopes and
 * the module's top-level statements (its imports, loggers and `__main__` guard), and reported inside itself.
 */
const check: FocusableCheck = {
  focusable: true,
  rule,
  run(context) {
    const facts = pythonFacts(context.parsed);
    let service: boolean | undefined;
    for (const { node: call, scope } of sitesInFocus(facts.calls, context.parsed.focus)) {
      const logging = loggingCall(facts, call, scope);
      if (logging !== undefined) {
        const message = logging.message;
        const built = message === undefined ? undefined : builtBy(message);
        if (message === undefined || built === undefined) continue;
        context.report({
          start: message.startIndex,
          end: message.endIndex,
          message:
            `This log message is built with ${HOW[built]}, so every record has a different text and the values lose their names: ` +
            'pass a constant template with the values as arguments (`logger.info("saved %s", key)`) or in `extra=`.',
          fixes: built === 'f-string' ? fStringFix(context, call, logging) : [],
        });
        continue;
      }
      if (!scope.isAsync) continue;
      const callee = field(call, 'function');
      if (callee === null || typeOf(callee) !== 'identifier' || textOf(callee) !== 'print' || facts.qualifiedName(callee, scope) !== 'builtins.print') continue;
      service ??= !syntaxIndex(context.parsed).isScript && !isTestFileName(context.fileName) && !importsPytest(context);
      if (!service) continue;
      context.report({
        start: callee.startIndex,
        end: callee.endIndex,
        message:
          '`print()` in an async function of a service module bypasses logging: no level, no timestamp, no context. ' +
          'Use a logger (`logger.info("...", extra={...})`).',
      });
    }
  },
};

export default check;
