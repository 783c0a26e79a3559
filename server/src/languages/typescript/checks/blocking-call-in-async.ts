import ts from 'typescript';
import type { Fix, TextEdit } from '../../../engine/types';
import rule from '../../../rules/blocking-call-in-async';
import { bindingsOf, normaliseName, normaliseSpecifier, skipWrappers, type FileBindings, type ResolvedName } from '../facts/bindings';
import { executionScope, isInFunctionBody, type FunctionLike } from '../facts/scope';
import { asiGuard, awaitNeedsParentheses, isWholeStatementValue } from '../facts/syntax';
import { inFocus, reachesFocus, type FocusableCheck } from '../incremental';

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const CallExpressionKind = ts.SyntaxKind.CallExpression;
const WhileKind = ts.SyntaxKind.WhileStatement;
const DoKind = ts.SyntaxKind.DoStatement;
const ForKind = ts.SyntaxKind.ForStatement;
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

/** `crypto` functions that run a deliberately slow (or key-generating) computation on the calling thread. */
const CRYPTO_BLOCKING: Readonly<Record<string, string>> = {
  pbkdf2Sync: 'await a promisified `crypto.pbkdf2` (it runs on the libuv thread pool)',
  scryptSync: 'await a promisified `crypto.scrypt` (it runs on the libuv thread pool)',
  generateKeyPairSync: 'await a promisified `crypto.generateKeyPair`',
  generateKeySync: 'await a promisified `crypto.generateKey`',
  generatePrimeSync: 'await a promisified `crypto.generatePrime`',
  randomFillSync: 'await a promisified `crypto.randomFill`',
};

/** `randomFillSync` on at most this many bytes is too quick to matter. */
export const SMALL_RANDOM_FILL_BYTES = 64 * 1024;

type Blocking =
  | { kind: 'fs'; name: string; twin: string | undefined }
  | { kind: 'child_process'; name: string }
  | { kind: 'zlib'; name: string }
  | { kind: 'crypto'; name: string }
  | { kind: 'atomics' }
  | { kind: 'busy-wait'; clock: string };

function classify(resolved: ResolvedName): Blocking | undefined {
  const { module, path } = resolved;
  if (module === undefined) {
    return path.length === 2 && path[0] === 'Atomics' && path[1] === 'wait' ? { kind: 'atomics' } : undefined;
  }
  if (path.length !== 1 || !path[0].endsWith('Sync')) return undefined;
  const name = path[0];
  if (module === 'fs') return { kind: 'fs', name, twin: Object.hasOwn(FS_PROMISES_TWINS, name) ? FS_PROMISES_TWINS[name] : undefined };
  if (module === 'child_process') return { kind: 'child_process', name };
  if (module === 'zlib') return { kind: 'zlib', name };
  if (module === 'crypto' && Object.hasOwn(CRYPTO_BLOCKING, name)) return { kind: 'crypto', name };
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
    case 'zlib': {
      const base = blocking.name.slice(0, -'Sync'.length);
      return `\`zlib.${blocking.name}\` compresses on the event loop inside an async function; await a promisified \`zlib.${base}\` (it runs on the libuv thread pool) or use a stream.`;
    }
    case 'crypto':
      return `\`crypto.${blocking.name}\` blocks the event loop inside an async function; ${CRYPTO_BLOCKING[blocking.name]}.`;
    case 'atomics':
      return '`Atomics.wait` blocks the thread inside an async function; use `Atomics.waitAsync`, or wait on a worker thread.';
    case 'busy-wait':
      return `This loop spins on \`${blocking.clock}\` without awaiting: it blocks the event loop until the time has passed; await a timer instead (\`setTimeout\` from \`node:timers/promises\`).`;
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

/** An edit adding `twin` to an `import { … } from "<module>"` or `const { … } = require("<module>")`. */
function extendExistingImport(bindings: FileBindings, twin: string, module = 'fs/promises'): TextEdit | undefined {
  const sourceFile = bindings.sourceFile;
  const extend = (elements: ts.NodeArray<ts.Node>, container: ts.Node): TextEdit | undefined => {
    if (elements.length === 0) return { start: container.getStart(sourceFile), end: container.getEnd(), newText: `{ ${twin} }` };
    const last = elements[elements.length - 1];
    if (ts.isBindingElement(last) && last.dotDotDotToken !== undefined) return undefined;
    return { start: last.getEnd(), end: last.getEnd(), newText: `, ${twin}` };
  };
  for (const declaration of bindings.imports) {
    const specifier = declaration.moduleSpecifier;
    if (!ts.isStringLiteral(specifier) || normaliseSpecifier(specifier.text) !== module) continue;
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
      if (arg !== undefined && ts.isStringLiteral(arg) && normaliseSpecifier(arg.text) === module) {
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
function newImportEdit(bindings: FileBindings, eol: string, what: { named?: string; namespace?: string }, module = 'fs/promises'): TextEdit {
  return insertAfterImports(bindings, eol, [importStatement(bindings, what, module)]);
}

/** The quote and semicolon style of the file's first module-loading statement. */
function importStyle(bindings: FileBindings): { quote: string; semicolon: string } {
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
  return { quote, semicolon };
}

/** `import { x } from "node:<module>";` or its `require` form, in the file's style. */
function importStatement(bindings: FileBindings, what: { named?: string; namespace?: string }, module: string): string {
  const { quote, semicolon } = importStyle(bindings);
  const specifier = `${quote}node:${module}${quote}`;
  if (bindings.moduleStyle === 'esm') {
    return what.named !== undefined ? `import { ${what.named} } from ${specifier}${semicolon}` : `import * as ${what.namespace} from ${specifier}${semicolon}`;
  }
  return what.named !== undefined ? `const { ${what.named} } = require(${specifier})${semicolon}` : `const ${what.namespace} = require(${specifier})${semicolon}`;
}

/** One edit putting `statements` (each on its own line) after the file's imports. */
function insertAfterImports(bindings: FileBindings, eol: string, statements: readonly string[]): TextEdit {
  const sourceFile = bindings.sourceFile;
  const text = sourceFile.text;
  const after =
    (bindings.moduleStyle === 'esm' ? bindings.imports[bindings.imports.length - 1] : undefined) ??
    bindings.leadingModuleStatements[bindings.leadingModuleStatements.length - 1] ??
    bindings.directives[bindings.directives.length - 1];
  if (after !== undefined) return { start: after.getEnd(), end: after.getEnd(), newText: statements.map((s) => `${eol}${s}`).join('') };
  // Before the first statement, on a line of its own (after any header comments and a shebang).
  const first = sourceFile.statements[0];
  const firstStart = first === undefined ? text.length : first.getStart(sourceFile);
  const lineStart = Math.max(text.lastIndexOf('\n', firstStart - 1), text.lastIndexOf('\r', firstStart - 1)) + 1;
  return { start: lineStart, end: lineStart, newText: statements.map((s) => `${s}${eol}`).join('') };
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

// ---------------------------------------------------------------------------------------------
// `randomFillSync`: only a buffer that is not obviously small is worth a finding.

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = {
  Uint8Array: 1,
  Int8Array: 1,
  Uint8ClampedArray: 1,
  Uint16Array: 2,
  Int16Array: 2,
  Uint32Array: 4,
  Int32Array: 4,
  Float32Array: 4,
  Float64Array: 8,
  BigInt64Array: 8,
  BigUint64Array: 8,
};

function numericValue(expression: ts.Expression | undefined): number | undefined {
  if (expression === undefined) return undefined;
  const node = skipWrappers(expression);
  return ts.isNumericLiteral(node) ? Number(node.text.replace(/_/g, '')) : undefined;
}

/**
 * The size in bytes of a buffer written as `Buffer.alloc(16)`, `new Uint32Array(4)` (directly or
 * through a `const` initialised so), or undefined when syntax alone does not tell.
 */
function knownByteSize(expression: ts.Expression, bindings: FileBindings, depth = 0): number | undefined {
  const node = skipWrappers(expression);
  if (ts.isIdentifier(node) && depth < 3) {
    const binding = bindings.lookup(node.text, node);
    const declaration = binding?.declaration;
    if (
      declaration === undefined ||
      !ts.isVariableDeclaration(declaration) ||
      declaration.initializer === undefined ||
      !ts.isVariableDeclarationList(declaration.parent) ||
      (declaration.parent.flags & ts.NodeFlags.Const) === 0
    ) {
      return undefined;
    }
    return knownByteSize(declaration.initializer, bindings, depth + 1);
  }
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.arguments?.length === 1) {
    const perElement = Object.hasOwn(BYTES_PER_ELEMENT, node.expression.text) ? BYTES_PER_ELEMENT[node.expression.text] : undefined;
    const count = numericValue(node.arguments[0]);
    return perElement === undefined || count === undefined || bindings.lookup(node.expression.text, node) !== undefined ? undefined : perElement * count;
  }
  if (ts.isCallExpression(node) && node.arguments.length >= 1) {
    const resolved = bindings.resolve(node.expression);
    const isAlloc =
      resolved !== undefined &&
      (resolved.module === undefined || resolved.module === 'buffer') &&
      resolved.path.length === 2 &&
      resolved.path[0] === 'Buffer' &&
      (resolved.path[1] === 'alloc' || resolved.path[1] === 'allocUnsafe' || resolved.path[1] === 'allocUnsafeSlow');
    return isAlloc ? numericValue(node.arguments[0]) : undefined;
  }
  return undefined;
}

/** `randomFillSync(buffer, offset?, size?)` on a buffer known to be at most 64 KiB (or a small `size`). */
function isSmallRandomFill(call: ts.CallExpression, bindings: FileBindings): boolean {
  const size = numericValue(call.arguments[2]);
  if (size !== undefined) return size <= SMALL_RANDOM_FILL_BYTES;
  const buffer = call.arguments[0];
  const bytes = buffer === undefined ? undefined : knownByteSize(buffer, bindings);
  return bytes !== undefined && bytes <= SMALL_RANDOM_FILL_BYTES;
}

// ---------------------------------------------------------------------------------------------
// Busy-wait loops: `while (Date.now() < deadline) {}` with no `await` in the loop.

const RELATIONAL: ReadonlySet<ts.SyntaxKind> = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

/** Whether `node` (not descending into nested functions or classes) holds an `await` or `yield`. */
function containsSuspension(node: ts.Node): boolean {
  let found = false;
  const visit = (child: ts.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(child) || ts.isYieldExpression(child)) {
      found = true;
      return;
    }
    if (ts.isForOfStatement(child) && child.awaitModifier !== undefined) {
      found = true;
      return;
    }
    if (ts.isFunctionLike(child) || ts.isClassLike(child)) return;
    forEachChild(child, visit);
  };
  visit(node);
  return found;
}

/** The clock read (`Date.now()`, `performance.now()`) compared in a loop condition, if any. */
function comparedClock(condition: ts.Expression, bindings: FileBindings): { call: ts.CallExpression; clock: string } | undefined {
  let found: { call: ts.CallExpression; clock: string } | undefined;
  let compared = false;
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && RELATIONAL.has(node.operatorToken.kind)) compared = true;
    if (found === undefined && ts.isCallExpression(node) && node.arguments.length === 0) {
      const resolved = bindings.resolve(node.expression);
      if (resolved !== undefined && resolved.path.length === 2 && resolved.path[1] === 'now') {
        const isDate = resolved.module === undefined && resolved.path[0] === 'Date';
        const isPerformance = (resolved.module === undefined || resolved.module === 'perf_hooks') && resolved.path[0] === 'performance';
        if (isDate || isPerformance) found = { call: node, clock: `${resolved.path[0]}.now()` };
      }
    }
    if (ts.isFunctionLike(node)) return;
    forEachChild(node, visit);
  };
  visit(condition);
  return compared ? found : undefined;
}

function busyWait(loop: ts.WhileStatement | ts.DoStatement | ts.ForStatement, bindings: FileBindings): { call: ts.CallExpression; clock: string } | undefined {
  const condition = loop.kind === ts.SyntaxKind.ForStatement ? loop.condition : loop.expression;
  if (condition === undefined) return undefined;
  const clock = comparedClock(condition, bindings);
  if (clock === undefined) return undefined;
  if (containsSuspension(loop)) return undefined;
  return clock;
}

// ---------------------------------------------------------------------------------------------
// The fix for `execSync`/`execFileSync`: await a promisified `exec`/`execFile`.

const PROMISIFIABLE: Readonly<Record<string, string>> = { execSync: 'exec', execFileSync: 'execFile' };

/** Whether a module binding is declared at the top of the file (visible everywhere, initialised before use). */
function isTopLevelModuleBinding(bindings: FileBindings, declaration: ts.Node): boolean {
  let statement: ts.Node = declaration;
  while (statement.parent !== undefined && !ts.isSourceFile(statement.parent)) statement = statement.parent;
  return bindings.imports.includes(statement as ts.ImportDeclaration) || bindings.leadingModuleStatements.includes(statement as ts.Statement);
}

/** An expression naming `module.member` everywhere in the file through a top-level binding. */
function topLevelAccess(bindings: FileBindings, at: ts.Node, module: string, member: string): string | undefined {
  let namespace: string | undefined;
  for (const binding of bindings.moduleBindings) {
    if (!isTopLevelModuleBinding(bindings, binding.declaration)) continue;
    const name = normaliseName(binding.specifier, binding.path);
    if (name?.module !== module) continue;
    if (name.path.length === 1 && name.path[0] === member && resolvesTo(bindings, binding.name, at, module, [member])) return binding.name;
    if (name.path.length === 0 && namespace === undefined && resolvesTo(bindings, binding.name, at, module, [])) namespace = binding.name;
  }
  return namespace === undefined ? undefined : `${namespace}.${member}`;
}

function unusedNameOf(bindings: FileBindings, taken: ReadonlySet<string>, candidates: readonly string[]): string {
  const free = (name: string): boolean => !bindings.declaredNames.has(name) && !taken.has(name);
  for (const candidate of candidates) if (free(candidate)) return candidate;
  const base = candidates[0];
  for (let i = 2; ; i++) if (free(`${base}${i}`)) return `${base}${i}`;
}

/** A top-level `const x = promisify(exec)` already in the file, visible at `at`. */
function existingPromisified(bindings: FileBindings, at: ts.Node, member: string): string | undefined {
  for (const statement of bindings.sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || (statement.declarationList.flags & ts.NodeFlags.Const) === 0) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer === undefined ? undefined : skipWrappers(declaration.initializer);
      if (!ts.isIdentifier(declaration.name) || init === undefined || !ts.isCallExpression(init) || init.arguments.length !== 1) continue;
      const callee = bindings.resolve(init.expression);
      const target = bindings.resolve(init.arguments[0]);
      if (callee?.qualified !== 'util.promisify' || target?.qualified !== `child_process.${member}`) continue;
      const visible = bindings.lookup(declaration.name.text, at);
      if (visible?.declaration === declaration) return declaration.name.text;
    }
  }
  return undefined;
}

function execFix(eol: string, bindings: FileBindings, call: ts.CallExpression, fn: FunctionLike, name: string): Fix | undefined {
  const member = PROMISIFIABLE[name];
  if (member === undefined || !isInFunctionBody(call, fn)) return undefined;
  const sourceFile = bindings.sourceFile;
  const importEdits: TextEdit[] = [];
  const newStatements: string[] = [];
  const taken = new Set<string>();
  let asyncName = existingPromisified(bindings, call, member);
  if (asyncName === undefined) {
    let callback = topLevelAccess(bindings, call, 'child_process', member);
    if (callback === undefined) {
      if (!bindings.declaredNames.has(member)) {
        const extension = extendExistingImport(bindings, member, 'child_process');
        if (extension !== undefined) importEdits.push(extension);
        else newStatements.push(importStatement(bindings, { named: member }, 'child_process'));
        callback = member;
      } else {
        const namespace = unusedNameOf(bindings, taken, ['childProcess', 'nodeChildProcess']);
        taken.add(namespace);
        newStatements.push(importStatement(bindings, { namespace }, 'child_process'));
        callback = `${namespace}.${member}`;
      }
    }
    let promisify = topLevelAccess(bindings, call, 'util', 'promisify');
    if (promisify === undefined) {
      if (!bindings.declaredNames.has('promisify')) {
        const extension = extendExistingImport(bindings, 'promisify', 'util');
        if (extension !== undefined) importEdits.push(extension);
        else newStatements.push(importStatement(bindings, { named: 'promisify' }, 'util'));
        promisify = 'promisify';
      } else {
        const namespace = unusedNameOf(bindings, taken, ['nodeUtil', 'utilModule']);
        taken.add(namespace);
        newStatements.push(importStatement(bindings, { namespace }, 'util'));
        promisify = `${namespace}.promisify`;
      }
    }
    asyncName = unusedNameOf(bindings, taken, [`${member}Async`, `${member}Promise`]);
    newStatements.push(`const ${asyncName} = ${promisify}(${callback})${importStyle(bindings).semicolon}`);
  }
  if (newStatements.length > 0) importEdits.push(insertAfterImports(bindings, eol, newStatements));
  const start = call.getStart(sourceFile);
  const statementValue = ts.isExpressionStatement(call.parent) && call.parent.expression === call;
  const edits: TextEdit[] = [];
  if (statementValue) {
    edits.push({ start, end: call.expression.getEnd(), newText: `await ${asyncName}` });
  } else {
    edits.push({ start, end: call.expression.getEnd(), newText: `${asiGuard(call, start, sourceFile)}(await ${asyncName}` });
    edits.push({ start: call.getEnd(), end: call.getEnd(), newText: ').stdout' });
  }
  return { title: `Await a promisified \`${member}\``, safety: 'unsafe', edits: [...edits, ...importEdits] };
}

/**
 * Focusable: a finding depends on its call (or loop), the enclosing functions' headers and the
 * bindings visible there; its fix also on the file's imports (outside any body) and on the set of
 * names declared anywhere (`readsDeclaredNames`). Whether loops are inspected at all depends on
 * the whole text holding `.now()` (`sameAcrossEdit`).
 */
const check: FocusableCheck = {
  rule,
  focusable: 'syntax',
  readsDeclaredNames: true,
  // The rest of the file is the same, and `.now()` cannot straddle a body's braces.
  sameAcrossEdit: (before, after) => before.text.includes('.now()') === after.text.includes('.now()'),
  run(context) {
    const { sourceFile, focus } = context.parsed;
    // Nothing to find without these names; skips building the binding tables on most files.
    const text = sourceFile.text;
    const mayBusyWait = text.includes('.now()');
    if (!text.includes('Sync') && !text.includes('Atomics') && !mayBusyWait) return;
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
      if (blocking.kind === 'crypto' && blocking.name === 'randomFillSync' && isSmallRandomFill(call, bindings)) return;
      let fix: Fix | undefined;
      if (blocking.kind === 'fs' && blocking.twin !== undefined) fix = fsFix((eol ??= context.source.eol), bindings, call, scope.node, blocking.twin);
      else if (blocking.kind === 'child_process') fix = execFix((eol ??= context.source.eol), bindings, call, scope.node, blocking.name);
      context.report({
        start: call.getStart(sourceFile),
        end: call.getEnd(),
        message: messageFor(blocking),
        ...(fix === undefined ? {} : { fixes: [fix] }),
      });
    };

    const inspectLoop = (loop: ts.WhileStatement | ts.DoStatement | ts.ForStatement): void => {
      bindings ??= bindingsOf(context.parsed);
      const found = busyWait(loop, bindings);
      if (found === undefined || !executionScope(loop).isAsync) return;
      context.report({
        start: found.call.getStart(sourceFile),
        end: found.call.getEnd(),
        message: messageFor({ kind: 'busy-wait', clock: found.clock }),
      });
    };

    const visit = (node: ts.Node): void => {
      if (!reachesFocus(focus, node)) return;
      const kind = node.kind;
      if (!inFocus(focus, node)) {
        // An ancestor of the focus: its findings are kept from the previous analysis.
      } else if (kind === CallExpressionKind) inspect(node as ts.CallExpression);
      else if (mayBusyWait && (kind === WhileKind || kind === DoKind || kind === ForKind)) inspectLoop(node as ts.WhileStatement | ts.DoStatement | ts.ForStatement);
      forEachChild(node, visit);
    };
    visit(sourceFile);
  },
};

export default check;
