import type { Node } from 'web-tree-sitter';
import type { SourceText } from '../../../engine/sourceText';
import type { TextEdit } from '../../../engine/types';
import type { PythonFacts } from './facts';
import { field } from './nodes';
import type { Scope } from './scopes';

/** The line break new lines should use in this file. */
export function lineEnding(source: SourceText): string {
  return source.eol;
}

const HEADER_IMPORTS: ReadonlySet<string> = new Set(['future_import_statement', 'import_statement', 'import_from_statement']);

function isDocstring(statement: Node): boolean {
  if (statement.type !== 'expression_statement' || statement.namedChildCount !== 1) return false;
  const only = statement.firstNamedChild;
  return only !== null && (only.type === 'string' || only.type === 'concatenated_string');
}

/**
 * Where a new top-level import goes: after the module docstring, `from __future__` imports and the
 * imports that open the file; before the first other statement (so after a shebang or an encoding
 * comment). Always the same edit for one file, so that fix-all keeps it once.
 */
export function topLevelImportEdit(facts: PythonFacts, source: SourceText, statement: string): TextEdit {
  let cached = insertionCache.get(facts);
  if (cached === undefined) {
    cached = insertionPoint(facts.parsed.root, source);
    insertionCache.set(facts, cached);
  }
  const eol = lineEnding(source);
  return cached.atEndOfFile
    ? { start: cached.offset, end: cached.offset, newText: `${eol}${statement}${eol}` }
    : { start: cached.offset, end: cached.offset, newText: `${statement}${eol}` };
}

interface InsertionPoint {
  offset: number;
  /** The header runs to the last line of the file: the import goes after a new line break. */
  atEndOfFile: boolean;
}

const insertionCache = new WeakMap<PythonFacts, InsertionPoint>();

function insertionPoint(root: Node, source: SourceText): InsertionPoint {
  const statements = root.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  let last: Node | undefined;
  let index = 0;
  if (statements.length > 0 && isDocstring(statements[0])) {
    last = statements[0];
    index = 1;
  }
  while (index < statements.length && HEADER_IMPORTS.has(statements[index].type)) {
    last = statements[index];
    index++;
  }
  if (last === undefined) {
    const first = statements[0];
    return { offset: first === undefined ? 0 : source.lineStart(source.positionAt(first.startIndex).line), atEndOfFile: false };
  }
  const line = source.positionAt(last.endIndex).line;
  if (line + 1 < source.lineCount) return { offset: source.lineStart(line + 1), atEndOfFile: false };
  return { offset: source.text.length, atEndOfFile: true };
}

/**
 * How to write `asyncio` in `scope`: an existing `import asyncio` (or `import asyncio as aio`)
 * that is visible there is reused; otherwise `import asyncio` is added at the top of the file,
 * unless the name `asyncio` means something else there (then no fix can be written simply).
 */
export function asyncioReference(facts: PythonFacts, source: SourceText, scope: Scope): { name: string; edits: TextEdit[] } | undefined {
  return moduleReference(facts, source, scope, 'asyncio');
}

/**
 * How to write the top-level module `module` (`asyncio`, `aiofiles`, `aiohttp`) in `scope`, the
 * same way as {@link asyncioReference}: reuse a visible `import module [as alias]`, or add
 * `import module` at the top of the file when the name is free.
 */
export function moduleReference(
  facts: PythonFacts,
  source: SourceText,
  scope: Scope,
  module: string,
): { name: string; edits: TextEdit[] } | undefined {
  const direct = facts.resolve(module, scope);
  if (direct.kind === 'import' && direct.qualified === module) return { name: module, edits: [] };
  // An alias visible from here: `import asyncio as aio`, in this scope or any enclosing one.
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    for (const [name, bindings] of s.bindings) {
      if (!bindings.some((b) => b.kind === 'import' && b.qualified === module)) continue;
      const seen = facts.resolve(name, scope);
      if (seen.kind === 'import' && seen.qualified === module) return { name, edits: [] };
    }
  }
  if (direct.kind !== 'unknown' || isBoundOnPath(scope, module)) return undefined;
  return { name: module, edits: [topLevelImportEdit(facts, source, `import ${module}`)] };
}

/**
 * The edit that adds the keyword argument `keyword` (`timeout=10`) at the end of a call's
 * argument list: after the last argument (keeping a trailing comma and a multi-line layout), or
 * alone between empty parentheses. Undefined when the arguments are not a plain list.
 */
export function appendArgumentEdit(call: Node, keyword: string): TextEdit | undefined {
  const args = field(call, 'arguments');
  if (args?.type !== 'argument_list') return undefined;
  const close = args.lastChild;
  if (close?.type !== ')' || close.isMissing) return undefined;
  const items = args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const last = items.at(-1);
  if (last === undefined) return { start: close.startIndex, end: close.startIndex, newText: keyword };
  // A trailing comma after the last argument: put the new one after it.
  const after = last.nextSibling;
  if (after?.type === ',') return { start: after.endIndex, end: after.endIndex, newText: ` ${keyword},` };
  return { start: last.endIndex, end: last.endIndex, newText: `, ${keyword}` };
}

function isBoundOnPath(scope: Scope, name: string): boolean {
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    if (s.bindings.has(name)) return true;
  }
  return false;
}

/** Parents under which `await <call>` can replace `<call>` without parentheses. */
const BARE_AWAIT_PARENTS: ReadonlySet<string> = new Set([
  'expression_statement',
  'return_statement',
  'argument_list',
  'parenthesized_expression',
  'list',
  'tuple',
  'set',
  'expression_list',
]);

/**
 * The edit that replaces `expression` (a call) by the awaited `replacement`: `await x` where that
 * parses as intended, `(await x)` inside larger expressions, and just `x` when the call is already
 * the operand of an `await`.
 */
export function awaitedReplacement(expression: Node, replacement: string): TextEdit {
  const parent = expression.parent;
  let newText = `(await ${replacement})`;
  if (parent?.type === 'await') newText = replacement;
  else if (parent !== null && isBareAwaitPosition(parent, expression)) newText = `await ${replacement}`;
  return { start: expression.startIndex, end: expression.endIndex, newText };
}

function isBareAwaitPosition(parent: Node, child: Node): boolean {
  if (BARE_AWAIT_PARENTS.has(parent.type)) return true;
  switch (parent.type) {
    case 'assignment':
    case 'augmented_assignment':
      return field(parent, 'right')?.id === child.id;
    case 'keyword_argument':
      return field(parent, 'value')?.id === child.id;
    case 'list_comprehension':
    case 'set_comprehension':
    case 'generator_expression':
      return field(parent, 'body')?.id === child.id;
    case 'pair':
    case 'interpolation':
      return true;
    default:
      return false;
  }
}
