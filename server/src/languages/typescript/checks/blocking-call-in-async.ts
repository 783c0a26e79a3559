import ts from 'typescript';
import type { Fix, TextEdit } from '../../../engine/types';
import rule from '../../../rules/blocking-call-in-async';
import { bindingsOf, normaliseName, normaliseSpecifier, skipWrappers, type FileBindings, type ResolvedName } from '../facts/bindings';
import { executionScope, isInFunctionBody, type FunctionLike } from '../facts/scope';
import { asiGuard, awaitNeedsParentheses, isWholeStatementValue } from '../facts/syntax';
import type { TypeScriptCheck } from '../parsed';

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const CallExpressionKind = ts.SyntaxKind.CallExpression;
const forEachChild = ts.forEachChild;

/** `fs` sync functions whose `fs/promises` twin takes the same arguments and yields the same value. */
export const FS_PROMISES_TWINS: Readonly<Record<string, string>> = {
  readFileSync: 'readFile',
  writeFileSync: 'writeFile',
  appendFileSync: 'appendFile',
  mkdirSync: 'mkdir',
  readdirSync: 'readdir',
  statSync: 'stat',
  lstatSync: 'lstat',
  unlinkSync: 'unlink',
  rmSync: 'rm',
  rmdirSync: 'rmdir',
  renameSync: 'rename',
  copyFileSync: 'copyFile',
  accessSync: 'access',
  realpathSync: 'realpath',
  chmodSync: 'chmod',
  mkdtempSync: 'mkdtemp',
  readlinkSync: 'readlink',
  symlinkSync: 'symlink',
  truncateSync: 'truncate',
  utimesSync: 'utimes',
  opendirSync: 'opendir',
};

const CHILD_PROCESS_ADVICE: Readonly<Record<string, string>> = {
  execSync: 'use a promisified `child_process.exec`/`execFile` (`util.promisify`) or `child_process.spawn`',
  execFileSync: 'use a promisified `child_process.execFile` (`util.promisify`) or `child_process.spawn`',
  spawnSync: 'use `child_process.spawn` and wait for its `close` event',
};

type Blocking =
  | { kind: 'fs'; name: string; twin: string | undefined }
  | { kind: 'child_process'; name: string }
  | { kind: 'atomics' };

function classify(resolved: ResolvedName): Blocking | undefined {
  const { module, path } = resolved;
  if (module === undefined) {
    return path.length === 2 && path[0] === 'Atomics' && path[1] === 'wait' ? { kind: 'atomics' } : undefined;
  }
  if (path.length !== 1 || !path[0].endsWith('Sync')) return undefined;
  const name = path[0];
  if (module === 'fs') return { kind: 'fs', name, twin: Object.hasOwn(FS_PROMISES_TWINS, name) ? FS_PROMISES_TWINS[name] : undefined };
  if (module === 'child_process') return { kind: 'child_process', name };
  return undefined;
}

function messageFor(blocking: Blocking): string {
  switch (blocking.kind) {
    case 'fs': {
      const what = `\`fs.${blocking.name}\` blocks the event loop inside an async function`;
      if (blocking.twin !== undefined) return `${what}; await \`${blocking.twin}\` from \`fs/promises\` instead.`;
      if (blocking.name === 'existsSync') return `${what}; use \`access\` or \`stat\` from \`fs/promises\` (awaited), or move the work to a worker thread.`;
      return `${what}; use its \`fs/promises\` counterpart (awaited), or move the work to a worker thread.`;
    }
    case 'child_process': {
      const advice = CHILD_PROCESS_ADVICE[blocking.name] ?? 'use the asynchronous `child_process` API (`spawn`, or a promisified `execFile`)';
      return `\`child_process.${blocking.name}\` blocks the event loop inside an async function until the process exits; ${advice}.`;
    }
    case 'atomics':
      return '`Atomics.wait` blocks the thread inside an async function; use `Atomics.waitAsync`, or wait on a worker thread.';
  }
}

/** The last name of a callee, for a cheap filter before resolving: `readFileSync`, `wait`. */
function calleeName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isElementAccessExpression(callee)) {
    const key = callee.argumentExpression;
    return ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key) ? key.text : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The fix: `readFileSync(p)` → `await readFile(p)`, reusing or adding an `fs/promises` binding.

/** How the fixed call names the twin, and the edits (if any) that make that name available. */
interface TwinAccess {
  callee: string;
  importEdits: TextEdit[];
}

function resolvesTo(bindings: FileBindings, name: string, at: ts.Node, module: string, path: readonly string[]): boolean {
  const resolved = bindings.resolveName(name, at);
  return resolved !== undefined && resolved.module === module && resolved.path.length === path.length && resolved.path.every((p, i) => p === path[i]);
}

/** An existing binding visible at `at`: the named twin, an `fs/promises` namespace, or an `fs` namespace. */
function existingAccess(bindings: FileBindings, twin: string, at: ts.Node): string | undefined {
  let namespace: string | undefined;
  let fsNamespace: string | undefined;
  for (const binding of bindings.moduleBindings) {
    const name = normaliseName(binding.specifier, binding.path);
    if (name === undefined) continue;
    if (name.module === 'fs/promises' && name.path.length === 1 && name.path[0] === twin) {
      if (resolvesTo(bindings, binding.name, at, 'fs/promises', [twin])) return binding.name;
    } else if (name.module === 'fs/promises' && name.path.length === 0) {
      if (namespace === undefined && resolvesTo(bindings, binding.name, at, 'fs/promises', [])) namespace = binding.name;
    } else if (name.module === 'fs' && name.path.length === 0) {
      if (fsNamespace === undefined && resolvesTo(bindings, binding.name, at, 'fs', [])) fsNamespace = binding.name;
    }
  }
  if (namespace !== undefined) return `${namespace}.${twin}`;
  if (fsNamespace !== undefined) return `${fsNamespace}.promises.${twin}`;
  return undefined;
}

/** An edit adding `twin` to an `import { … } from "fs/promises"` or `const { … } = require("fs/promises")`. */
function extendExistingImport(bindings: FileBindings, twin: string): TextEdit | undefined {
  const sourceFile = bindings.sourceFile;
  const extend = (elements: ts.NodeArray<ts.Node>, container: ts.Node): TextEdit | undefined => {
    if (elements.length === 0) return { start: container.getStart(sourceFile), end: container.getEnd(), newText: `{ ${twin} }` };
    const last = elements[elements.length - 1];
    if (ts.isBindingElement(last) && last.dotDotDotToken !== undefined) return undefined;
    return { start: last.getEnd(), end: last.getEnd(), newText: `, ${twin}` };
  };
  for (const declaration of bindings.imports) {
    const specifier = declaration.moduleSpecifier;
    if (!ts.isStringLiteral(specifier) || normaliseSpecifier(specifier.text) !== 'fs/promises') continue;
    const clause = declaration.importClause;
    if (clause === undefined || clause.isTypeOnly || clause.namedBindings === undefined) continue;
    if (ts.isNamedImports(clause.namedBindings)) return extend(clause.namedBindings.elements, clause.namedBindings);
  }
  for (const statement of bindings.leadingModuleStatements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isObjectBindingPattern(declaration.name) || declaration.initializer === undefined) continue;
      const init = declaration.initializer;
      if (!ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
      const arg = init.arguments[0];
      if (arg !== undefined && ts.isStringLiteral(arg) && normaliseSpecifier(arg.text) === 'fs/promises') {
        const edit = extend(declaration.name.elements, declaration.name);
        if (edit !== undefined) return edit;
      }
    }
  }
  return undefined;
}

function unusedName(bindings: FileBindings, candidates: readonly string[]): string {
  for (const candidate of candidates) if (!bindings.declaredNames.has(candidate)) return candidate;
  for (let i = 2; ; i++) if (!bindings.declaredNames.has(`fsp${i}`)) return `fsp${i}`;
}

/** Where and how a new module-loading statement goes, matching the file's quotes and semicolons. */
function newImportEdit(bindings: FileBindings, eol: string, what: { named?: string; namespace?: string }): TextEdit {
  const sourceFile = bindings.sourceFile;
  const text = sourceFile.text;
  const existing = bindings.imports[0] ?? bindings.leadingModuleStatements[0];
  let quote = '"';
  let semicolon = ';';
  if (existing !== undefined) {
    const literal = ts.isImportDeclaration(existing) ? existing.moduleSpecifier : findStringLiteral(existing);
    if (literal !== undefined && text.charAt(literal.getStart(sourceFile)) === "'") quote = "'";
    if (text.charAt(existing.getEnd() - 1) !== ';') semicolon = '';
  }
  const specifier = `${quote}node:fs/promises${quote}`;
  let statement: string;
  if (bindings.moduleStyle === 'esm') {
    statement = what.named !== undefined ? `import { ${what.named} } from ${specifier}${semicolon}` : `import * as ${what.namespace} from ${specifier}${semicolon}`;
  } else {
    statement = what.named !== undefined ? `const { ${what.named} } = require(${specifier})${semicolon}` : `const ${what.namespace} = require(${specifier})${semicolon}`;
  }
  const after =
    (bindings.moduleStyle === 'esm' ? bindings.imports[bindings.imports.length - 1] : undefined) ??
    bindings.leadingModuleStatements[bindings.leadingModuleStatements.length - 1] ??
    bindings.directives[bindings.directives.length - 1];
  if (after !== undefined) return { start: after.getEnd(), end: after.getEnd(), newText: `${eol}${statement}` };
  // Before the first statement, on a line of its own (after any header comments and a shebang).
  const first = sourceFile.statements[0];
  const firstStart = first === undefined ? text.length : first.getStart(sourceFile);
  const lineStart = Math.max(text.lastIndexOf('\n', firstStart - 1), text.lastIndexOf('\r', firstStart - 1)) + 1;
  return { start: lineStart, end: lineStart, newText: `${statement}${eol}` };
}

function findStringLiteral(node: ts.Node): ts.StringLiteral | undefined {
  if (ts.isStringLiteral(node)) return node;
  return forEachChild(node, findStringLiteral);
}

function twinAccess(bindings: FileBindings, twin: string, at: ts.Node, eol: string): TwinAccess | undefined {
  const existing = existingAccess(bindings, twin, at);
  if (existing !== undefined) return { callee: existing, importEdits: [] };
  if (!bindings.declaredNames.has(twin)) {
    const extension = extendExistingImport(bindings, twin);
    if (extension !== undefined) return { callee: twin, importEdits: [extension] };
    return { callee: twin, importEdits: [newImportEdit(bindings, eol, { named: twin })] };
  }
  // `readFile` already means something else here: load the module under a namespace instead.
  const namespace = unusedName(bindings, ['fsp', 'fsPromises', 'nodeFsPromises']);
  return { callee: `${namespace}.${twin}`, importEdits: [newImportEdit(bindings, eol, { namespace })] };
}

/** A first argument that looks like a file descriptor: `fs/promises` wants a FileHandle there. */
function looksLikeDescriptor(argument: ts.Expression | undefined): boolean {
  if (argument === undefined) return false;
  if (ts.isNumericLiteral(argument)) return true;
  const name = ts.isIdentifier(argument) ? argument.text : ts.isPropertyAccessExpression(argument) ? argument.name.text : undefined;
  return name !== undefined && /^fd$|Fd$|^fileDescriptor$/i.test(name);
}

function fsFix(
  eol: string,
  bindings: FileBindings,
  call: ts.CallExpression,
  fn: FunctionLike,
  twin: string,
): Fix | undefined {
  // `await` may not appear in a parameter's default value.
  if (!isInFunctionBody(call, fn)) return undefined;
  const sourceFile = bindings.sourceFile;
  const access = twinAccess(bindings, twin, call, eol);
  if (access === undefined) return undefined;
  const start = call.getStart(sourceFile);
  const parenthesise = awaitNeedsParentheses(call);
  const prefix = parenthesise ? `${asiGuard(call, start, sourceFile)}(` : '';
  const edits: TextEdit[] = [{ start, end: call.expression.getEnd(), newText: `${prefix}await ${access.callee}` }, ...access.importEdits];
  if (parenthesise) edits.push({ start: call.getEnd(), end: call.getEnd(), newText: ')' });
  const wholeValue = isWholeStatementValue(call) || (ts.isArrowFunction(call.parent) && call.parent.body === call);
  const safe = wholeValue && !looksLikeDescriptor(call.arguments[0]);
  return { title: `Await \`${twin}\` from fs/promises`, safety: safe ? 'safe' : 'unsafe', edits };
}

const check: TypeScriptCheck = {
  rule,
  run(context) {
    const { sourceFile } = context.parsed;
    // Nothing to find without these names; skips building the binding tables on most files.
    if (!sourceFile.text.includes('Sync') && !sourceFile.text.includes('Atomics')) return;
    let bindings: FileBindings | undefined;
    // `SourceText.eol` scans the text: read it once per run, not once per finding.
    let eol: string | undefined;

    const inspect = (call: ts.CallExpression): void => {
      // Member calls are filtered by name; a bare name may be an alias (`readFileSync as slurp`).
      const callee = skipWrappers(call.expression);
      if (!ts.isIdentifier(callee)) {
        const name = calleeName(callee);
        if (name === undefined || (!name.endsWith('Sync') && name !== 'wait')) return;
      }
      bindings ??= bindingsOf(context.parsed);
      const resolved = bindings.resolve(call.expression);
      const blocking = resolved === undefined ? undefined : classify(resolved);
      if (blocking === undefined) return;
      const scope = executionScope(call);
      if (scope.kind !== 'function' || !scope.isAsync) return;
      const fix = blocking.kind === 'fs' && blocking.twin !== undefined ? fsFix((eol ??= context.source.eol), bindings, call, scope.node, blocking.twin) : undefined;
      context.report({
        start: call.getStart(sourceFile),
        end: call.getEnd(),
        message: messageFor(blocking),
        ...(fix === undefined ? {} : { fixes: [fix] }),
      });
    };

    const visit = (node: ts.Node): void => {
      if (node.kind === CallExpressionKind) inspect(node as ts.CallExpression);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
