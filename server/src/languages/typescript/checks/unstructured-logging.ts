import ts from 'typescript';
import rule from '../../../rules/unstructured-logging';
import { bindingsOf, skipWrappers, type FileBindings } from '../facts/bindings';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';

/**
 * Two things lose a log's structure:
 * - `console.*` in service modules: plain text on stdout, no level a collector understands, no
 *   fields. Test files and command-line entry points (a `#!` line, or a file under `bin/` or
 *   `scripts/`) print to a terminal on purpose and are left alone.
 * - A logger call (`logger.info(...)`, `this.log.warn(...)`, pino, winston, bunyan style) whose
 *   message is a template literal with substitutions or a string concatenation: the values are
 *   baked into the text instead of travelling as fields.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

const CONSOLE_METHODS: ReadonlySet<string> = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']);
const LEVEL_METHODS: ReadonlySet<string> = new Set(['trace', 'debug', 'verbose', 'info', 'notice', 'warn', 'warning', 'error', 'fatal', 'critical', 'silly', 'log']);
const LOGGER_NAME = /^_*(log|logger)$|Logger$/i;
const TEST_NAME = /\.(test|spec)\.[cm]?[jt]sx?$/i;
const TEST_DIR = /^(test|tests|__tests__|__mocks__|spec|e2e)$/i;
const FIXTURE_DIR = /^(fixtures|__fixtures__)$/i;

/**
 * A test file: named `*.test.*`/`*.spec.*`, or inside a test folder. Sample code kept in a test's
 * `fixtures` folder is not a test (it stands for service code), unless it sits in a test folder itself.
 */
export function isTestFile(path: string): boolean {
  if (TEST_NAME.test(path)) return true;
  const folders = path.split('/').slice(0, -1);
  for (let i = folders.length - 1; i >= 0; i--) {
    if (TEST_DIR.test(folders[i])) return true;
    if (FIXTURE_DIR.test(folders[i])) return false;
  }
  return false;
}
const CLI_FILE = /(^|\/)(bin|scripts)\//i;

function receiverName(expression: ts.Expression): string | undefined {
  const node = skipWrappers(expression);
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return undefined;
}

/** Whether the message argument interpolates values: `` `user ${id}` `` or `"user " + id`. */
function isInterpolated(argument: ts.Expression): boolean {
  const node = skipWrappers(argument);
  if (ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === SyntaxKind.PlusToken) {
    const parts: ts.Expression[] = [];
    const flatten = (e: ts.Expression): void => {
      const inner = skipWrappers(e);
      if (ts.isBinaryExpression(inner) && inner.operatorToken.kind === SyntaxKind.PlusToken) {
        flatten(inner.left);
        flatten(inner.right);
      } else {
        parts.push(inner);
      }
    };
    flatten(node);
    const isText = (e: ts.Expression): boolean => ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e);
    return parts.some(isText) && parts.some((e) => !isText(e));
  }
  return false;
}

/** The message argument of a logger call: winston's `log("info", msg)`, pino's `info({ fields }, msg)`, or the first. */
function messageArgument(call: ts.CallExpression, method: string): ts.Expression | undefined {
  const [first, second] = call.arguments;
  if (first === undefined) return undefined;
  const node = skipWrappers(first);
  if (method === 'log' && ts.isStringLiteral(node)) return second;
  if (ts.isObjectLiteralExpression(node) || (ts.isIdentifier(node) && second !== undefined && /^(err|error|e|fields|meta|context|ctx)$/.test(node.text))) return second;
  return first;
}

function isConsole(bindings: FileBindings, callee: ts.PropertyAccessExpression): boolean {
  const resolved = bindings.resolve(callee);
  return resolved !== undefined && resolved.module === undefined && resolved.path.length === 2 && resolved.path[0] === 'console';
}

/**
 * Focusable: a finding depends on its call, what `console` resolves to there, the file name and
 * the text's first characters (`#!`), none of which an edit inside a body changes for a call
 * outside it.
 */
const check: FocusableCheck = {
  rule,
  focusable: 'syntax',
  run(context) {
    const { sourceFile, focus } = context.parsed;
    const text = sourceFile.text;
    if (!text.includes('console') && !/log/i.test(text)) return;
    const path = context.fileName.replace(/\\/g, '/');
    if (isTestFile(path)) return;
    const consoleAllowed = text.startsWith('#!') || CLI_FILE.test(path);
    let bindings: FileBindings | undefined;

    const inspect = (call: ts.CallExpression): void => {
      const callee = skipWrappers(call.expression);
      if (!ts.isPropertyAccessExpression(callee)) return;
      const method = callee.name.text;
      const receiver = receiverName(callee.expression);
      if (receiver === undefined) return;
      if (receiver === 'console' && CONSOLE_METHODS.has(method)) {
        if (consoleAllowed) return;
        bindings ??= bindingsOf(context.parsed);
        if (!isConsole(bindings, callee)) return;
        context.report({
          start: callee.getStart(sourceFile),
          end: callee.getEnd(),
          message: `\`console.${method}\` in a service module writes unstructured text; use the service's structured logger (pino, winston, ...) with fields.`,
        });
        return;
      }
      if (!LEVEL_METHODS.has(method) || !LOGGER_NAME.test(receiver)) return;
      const message = messageArgument(call, method);
      if (message === undefined || !isInterpolated(message)) return;
      context.report({
        start: message.getStart(sourceFile),
        end: message.getEnd(),
        message: 'This log message bakes values into its text; pass them as fields (`logger.info({ userId }, "user signed in")`) so they stay searchable.',
      });
    };

    const visit = (node: ts.Node): void => {
      if (!reachesFocus(focus, node)) return;
      if (node.kind === SyntaxKind.CallExpression && inFocus(focus, node)) inspect(node as ts.CallExpression);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
