import ts from 'typescript';
import type { Fix, TextEdit } from '../../../engine/types';
import rule from '../../../rules/missing-timeout';
import { bindingsOf, skipWrappers, type FileBindings, type ResolvedName } from '../facts/bindings';
import { addPropertyEdit, asObjectLiteral, objectHasProperty } from '../facts/objects';
import { inFocus, reachesFocus, type EditedBody, type FocusableCheck } from '../incremental';

/**
 * Network calls with no deadline: `fetch` without a `signal`, `axios` requests (and instances)
 * without `timeout`, `http`/`https` requests without `timeout` (or `.setTimeout`), `net`/`tls`
 * sockets without `timeout` (or `.setTimeout`). Flagged wherever they are written, async function
 * or not: a request with no deadline hangs a `.then()` chain as surely as an `await`.
 *
 * Only what syntax shows is judged: an options object that is not written inline (a variable, a
 * spread, a computed key) might carry the deadline, so such calls are left alone.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;

const FETCH_MODULES: ReadonlySet<string> = new Set(['node-fetch', 'cross-fetch', 'isomorphic-fetch', 'isomorphic-unfetch']);
/** axios methods and where their config argument goes. */
const AXIOS_CONFIG_INDEX: Readonly<Record<string, number>> = {
  request: 0,
  get: 1,
  delete: 1,
  head: 1,
  options: 1,
  post: 2,
  put: 2,
  patch: 2,
  postForm: 2,
  putForm: 2,
  patchForm: 2,
  create: 0,
};

type Target =
  | { kind: 'fetch'; name: string }
  | { kind: 'axios'; method: string | undefined }
  | { kind: 'http'; name: string }
  | { kind: 'socket'; name: string };

function classify(resolved: ResolvedName): Target | undefined {
  const { module, path, qualified } = resolved;
  if (module === undefined) {
    if (qualified === 'fetch' || qualified === 'window.fetch' || qualified === 'self.fetch') return { kind: 'fetch', name: 'fetch' };
    return undefined;
  }
  if (FETCH_MODULES.has(module) && path.length === 0) return { kind: 'fetch', name: 'fetch' };
  if (module === 'undici' && path.length === 1 && path[0] === 'fetch') return { kind: 'fetch', name: 'fetch' };
  if (module === 'axios') {
    if (path.length === 0) return { kind: 'axios', method: undefined };
    if (path.length === 1 && Object.hasOwn(AXIOS_CONFIG_INDEX, path[0])) return { kind: 'axios', method: path[0] };
    return undefined;
  }
  if ((module === 'http' || module === 'https') && path.length === 1 && (path[0] === 'request' || path[0] === 'get')) {
    return { kind: 'http', name: `${module}.${path[0]}` };
  }
  if ((module === 'net' || module === 'tls') && path.length === 1 && (path[0] === 'connect' || path[0] === 'createConnection')) {
    return { kind: 'socket', name: `${module}.${path[0]}` };
  }
  return undefined;
}

/** Names that, on a variable passed as `fetch`'s first argument, say it is a `Request` (which may carry a signal). */
const AXIOS_DEFAULTS_TIMEOUT = /defaults\.timeout\s*=/;

const REQUEST_NAME = /(^req$|request$)/i;

/** Whether `fetch`'s first argument is surely a URL (or a Request known to have no signal). */
function firstArgumentHasNoSignal(argument: ts.Expression, bindings: FileBindings, depth = 0): boolean {
  const node = skipWrappers(argument);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) || ts.isBinaryExpression(node)) return true;
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
    if (node.expression.text === 'URL') return true;
    if (node.expression.text === 'Request') {
      const init = node.arguments?.[1];
      if (init === undefined) return node.arguments?.[0] !== undefined && depth < 3 && firstArgumentHasNoSignal(node.arguments[0], bindings, depth + 1);
      const literal = asObjectLiteral(init);
      return literal !== undefined && objectHasProperty(literal, ['signal']) === 'absent';
    }
    return false;
  }
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
    const name = ts.isIdentifier(node) ? node.text : node.name.text;
    if (REQUEST_NAME.test(name)) return false;
    if (ts.isIdentifier(node)) {
      const declaration = bindings.lookup(node.text, node)?.declaration;
      if (declaration !== undefined && (ts.isVariableDeclaration(declaration) || ts.isParameter(declaration))) {
        const type = declaration.type;
        if (type !== undefined && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'Request') return false;
        if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined && depth < 3) {
          const init = skipWrappers(declaration.initializer);
          if (ts.isNewExpression(init) || ts.isCallExpression(init)) {
            return ts.isNewExpression(init) && firstArgumentHasNoSignal(init, bindings, depth + 1);
          }
        }
      }
    }
    return true;
  }
  return false;
}

/** The statement-level chain a call sits in: `http.get(...).on(...).setTimeout(...)`. */
function chainCallsSetTimeout(call: ts.CallExpression): boolean {
  let current: ts.Expression = call;
  for (;;) {
    const parent = current.parent;
    if (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent)) {
      current = parent;
      continue;
    }
    if (!ts.isPropertyAccessExpression(parent) || parent.expression !== current || !ts.isCallExpression(parent.parent)) return false;
    if (parent.name.text === 'setTimeout') return true;
    current = parent.parent;
  }
}

/** `const req = http.request(...)` followed, in the same scope, by `req.setTimeout(...)`. */
function variableCallsSetTimeout(call: ts.CallExpression, bindings: FileBindings): boolean {
  let node: ts.Node = call;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isNonNullExpression(node.parent)) node = node.parent;
  // Assigned to a variable, possibly at the end of a chain such as `.on("error", ...)`.
  let holder: ts.Node = node;
  while (ts.isPropertyAccessExpression(holder.parent) && ts.isCallExpression(holder.parent.parent)) holder = holder.parent.parent;
  const declaration = holder.parent;
  let name: ts.Identifier | undefined;
  if (ts.isVariableDeclaration(declaration) && declaration.initializer === holder && ts.isIdentifier(declaration.name)) name = declaration.name;
  else if (ts.isBinaryExpression(declaration) && declaration.operatorToken.kind === SyntaxKind.EqualsToken && declaration.right === holder && ts.isIdentifier(declaration.left)) name = declaration.left;
  if (name === undefined) return false;
  const target = bindings.lookup(name.text, name);
  // Search the function (or file) that holds the variable.
  let scope: ts.Node = declaration;
  while (!ts.isSourceFile(scope) && !ts.isFunctionLike(scope)) scope = scope.parent;
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (
      ts.isPropertyAccessExpression(child) &&
      child.name.text === 'setTimeout' &&
      ts.isIdentifier(child.expression) &&
      child.expression.text === name.text &&
      bindings.lookup(name.text, child.expression) === target
    ) {
      found = true;
      return;
    }
    forEachChild(child, visit);
  };
  visit(scope);
  return found;
}

function timeoutMilliseconds(options: Readonly<Record<string, unknown>>): number {
  const seconds = typeof options.defaultTimeoutSeconds === 'number' && Number.isFinite(options.defaultTimeoutSeconds) ? options.defaultTimeoutSeconds : 10;
  return Math.max(1, Math.round(seconds * 1000));
}

/** An edit giving `call` an options argument at `index` holding `property`, or merging it into the literal there. */
function optionEdit(call: ts.CallExpression, index: number, property: string, sourceFile: ts.SourceFile, eol: string): TextEdit | undefined {
  const args = call.arguments;
  if (index < args.length) {
    const literal = asObjectLiteral(args[index]);
    return literal === undefined ? undefined : addPropertyEdit(literal, property, sourceFile, eol);
  }
  if (index !== args.length) return undefined;
  if (args.length === 0) {
    const close = call.getEnd() - 1;
    return sourceFile.text.charAt(close) === ')' ? { start: close, end: close, newText: `{ ${property} }` } : undefined;
  }
  const last = args[args.length - 1];
  return args.hasTrailingComma
    ? { start: sourceFile.text.indexOf(',', last.getEnd()) + 1, end: sourceFile.text.indexOf(',', last.getEnd()) + 1, newText: ` { ${property} }` }
    : { start: last.getEnd(), end: last.getEnd(), newText: `, { ${property} }` };
}

/**
 * The names whose `.setTimeout` a body reads, when none of them is declared in it (then each
 * refers to the same variable outside wherever it sits); undefined otherwise.
 */
function setTimeoutReceivers(body: EditedBody): string | undefined {
  if (!body.text.includes('setTimeout')) return '';
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === 'setTimeout' && ts.isIdentifier(node.expression)) names.add(node.expression.text);
    forEachChild(node, visit);
  };
  visit(body.tree);
  for (const name of names) if (body.declared.has(name)) return undefined;
  return [...names].sort().join(',');
}

/**
 * Focusable: a finding depends on its call, the bindings visible there, and three things that
 * may lie in another body: an `axios.defaults.timeout =` anywhere, `AbortSignal` declared anywhere
 * (`readsDeclaredNames`), and `.setTimeout` calls on the variable holding a request, searched in
 * the whole file for a top-level variable (`sameAcrossEdit` covers the first and last).
 */
const check: FocusableCheck = {
  rule,
  focusable: 'syntax',
  readsDeclaredNames: true,
  sameAcrossEdit: (before, after) => {
    if (AXIOS_DEFAULTS_TIMEOUT.test(before.text) !== AXIOS_DEFAULTS_TIMEOUT.test(after.text)) return false;
    const receivers = setTimeoutReceivers(before);
    return receivers !== undefined && receivers === setTimeoutReceivers(after);
  },
  run(context) {
    const { sourceFile, focus } = context.parsed;
    const text = sourceFile.text;
    if (!/fetch|axios|http|net|tls/.test(text)) return;
    const bindings = bindingsOf(context.parsed);
    const axiosDefaultsTimeout = AXIOS_DEFAULTS_TIMEOUT.test(text);
    const milliseconds = timeoutMilliseconds(context.options);
    let eol: string | undefined;
    const abortSignalShadowed = bindings.declaredNames.has('AbortSignal');

    const report = (call: ts.CallExpression, message: string, fix?: Fix): void => {
      const callee = call.expression;
      context.report({ start: callee.getStart(sourceFile), end: callee.getEnd(), message, ...(fix === undefined ? {} : { fixes: [fix] }) });
    };

    const inspectFetch = (call: ts.CallExpression): void => {
      const [input, init] = call.arguments;
      if (input === undefined || ts.isSpreadElement(input)) return;
      if (init !== undefined) {
        const literal = asObjectLiteral(init);
        if (literal === undefined || objectHasProperty(literal, ['signal']) !== 'absent') return;
      }
      if (!firstArgumentHasNoSignal(input, bindings)) return;
      const edit = abortSignalShadowed ? undefined : optionEdit(call, 1, `signal: AbortSignal.timeout(${milliseconds})`, sourceFile, (eol ??= context.source.eol));
      report(
        call,
        '`fetch` without a `signal` waits forever for a server that never answers; pass `signal: AbortSignal.timeout(ms)` (or a signal you already have).',
        edit === undefined ? undefined : { title: `Add \`signal: AbortSignal.timeout(${milliseconds})\``, safety: 'unsafe', edits: [edit] },
      );
    };

    const inspectAxios = (call: ts.CallExpression, method: string | undefined): void => {
      if (axiosDefaultsTimeout) return;
      let index: number;
      if (method === undefined) {
        // `axios(config)` or `axios(url, config)`.
        const first = call.arguments[0];
        if (first === undefined) return;
        index = asObjectLiteral(first) !== undefined ? 0 : 1;
      } else {
        index = AXIOS_CONFIG_INDEX[method];
      }
      if (call.arguments.some(ts.isSpreadElement)) return;
      const config = call.arguments[index];
      if (config !== undefined) {
        const literal = asObjectLiteral(config);
        if (literal === undefined || objectHasProperty(literal, ['timeout', 'signal']) !== 'absent') return;
      }
      const edit = optionEdit(call, index, `timeout: ${milliseconds}`, sourceFile, (eol ??= context.source.eol));
      const what = method === 'create' ? 'An axios instance created without `timeout`' : 'An axios request without `timeout`';
      report(
        call,
        `${what} waits forever for a server that never answers (axios' default is no timeout); set \`timeout\` (milliseconds).`,
        edit === undefined ? undefined : { title: `Add \`timeout: ${milliseconds}\``, safety: 'unsafe', edits: [edit] },
      );
    };

    /** `http.get(url, options?, callback?)`, `net.connect(options | port, ...)`: judged when every argument is known. */
    const inspectNode = (call: ts.CallExpression, target: { kind: 'http' | 'socket'; name: string }): void => {
      const keys = target.kind === 'http' ? ['timeout', 'signal', 'agent'] : ['timeout'];
      for (const argument of call.arguments) {
        const node = skipWrappers(argument);
        if (ts.isObjectLiteralExpression(node)) {
          if (objectHasProperty(node, keys) !== 'absent') return;
          continue;
        }
        if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) continue;
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) || ts.isNumericLiteral(node)) continue;
        if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') continue;
        if (target.kind === 'http' && (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && /url|uri|href$/i.test(ts.isIdentifier(node) ? node.text : node.name.text)) continue;
        if (target.kind === 'socket' && (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && /port$|host(name)?$/i.test(ts.isIdentifier(node) ? node.text : node.name.text)) continue;
        return; // an options object we cannot see
      }
      if (call.arguments.length === 0) return;
      if (chainCallsSetTimeout(call) || variableCallsSetTimeout(call, bindings)) return;
      const message =
        target.kind === 'http'
          ? `\`${target.name}\` without a \`timeout\` option (or \`.setTimeout(...)\` on the request) waits forever for a server that never answers.`
          : `A socket from \`${target.name}\` without a \`timeout\` option (or \`.setTimeout(...)\`) never notices a peer that went silent.`;
      report(call, message);
    };

    const inspect = (call: ts.CallExpression): void => {
      const callee = skipWrappers(call.expression);
      if (!ts.isIdentifier(callee) && !ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return;
      const resolved = bindings.resolve(callee);
      const target = resolved === undefined ? undefined : classify(resolved);
      if (target === undefined) return;
      if (target.kind === 'fetch') inspectFetch(call);
      else if (target.kind === 'axios') inspectAxios(call, target.method);
      else inspectNode(call, target);
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
