import type { Node } from 'web-tree-sitter';
import type { Fix, TextEdit } from '../../../engine/types';
import rule from '../../../rules/mock-for-async-function';
import { isPlainAsyncDef, projectClassOf, projectKindOf, projectReference } from '../facts/coroutines';
import { type PythonFacts, pythonFacts } from '../facts/facts';
import { keywordArgument, positionalArguments } from '../facts/objects';
import { projectKind } from '../facts/projectModules';
import type { Scope } from '../facts/scopes';
import type { PythonCheck, PythonCheckContext } from '../parsed';

/**
 * A `Mock` / `MagicMock` put in place of an `async def`: what the mock returns when called is not
 * awaitable, so the code under test fails with `TypeError: object Mock can't be used in 'await'
 * expression` (or silently tests a different path when it never awaits). Since Python 3.8
 * `patch()` picks `AsyncMock` by itself for an async target, and `Mock(spec=async_fn)` is async
 * too, so only the spellings that really break are flagged: an explicit `new=Mock(...)`,
 * `new_callable=Mock`, `monkeypatch.setattr(..., Mock())` and `obj.method = Mock(...)`.
 */

const MOCK_MODULES = ['unittest.mock', 'mock'];
const MOCK_CLASSES: ReadonlySet<string> = new Set(MOCK_MODULES.flatMap((m) => [`${m}.Mock`, `${m}.MagicMock`]));
const PATCH: ReadonlySet<string> = new Set(MOCK_MODULES.map((m) => `${m}.patch`));
const PATCH_OBJECT: ReadonlySet<string> = new Set(MOCK_MODULES.map((m) => `${m}.patch.object`));
/** `patch()`'s own keywords; any other keyword goes to the mock it makes. */
const PATCH_KEYWORDS: ReadonlySet<string> = new Set(['target', 'attribute', 'new', 'spec', 'create', 'spec_set', 'autospec', 'new_callable']);
/** pytest-mock's fixtures. */
const MOCKER = /^(?:(?:class|module|package|session)_)?mocker$/;
/** Values that are certainly not awaitable. */
const LITERALS: ReadonlySet<string> = new Set([
  'integer',
  'float',
  'string',
  'concatenated_string',
  'true',
  'false',
  'none',
  'list',
  'dictionary',
  'tuple',
  'set',
  'list_comprehension',
  'dictionary_comprehension',
  'set_comprehension',
]);

function keywordValue(call: Node, name: string): Node | undefined {
  return keywordArgument(call, name)?.childForFieldName('value') ?? undefined;
}

function hasDictionarySplat(call: Node): boolean {
  return call.childForFieldName('arguments')?.namedChildren.some((c) => c?.type === 'dictionary_splat') === true;
}

function hasListSplat(call: Node): boolean {
  return call.childForFieldName('arguments')?.namedChildren.some((c) => c?.type === 'list_splat') === true;
}

/** The text of a plain string literal (no interpolation, no concatenation), if it is one. */
function stringValue(node: Node | undefined): string | undefined {
  if (node?.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  const content = node.namedChildren.find((c) => c?.type === 'string_content');
  const text = content?.text ?? '';
  return /^[A-Za-z_][\w.]*$/.test(text) ? text : undefined;
}

interface Checker {
  context: PythonCheckContext;
  facts: PythonFacts;
}

/** True when `node` names a pytest-mock fixture (a parameter or an unknown name `mocker`, ...). */
function isMocker(c: Checker, node: Node | null, scope: Scope): boolean {
  if (node?.type !== 'identifier' || !MOCKER.test(node.text)) return false;
  const kind = c.facts.resolve(node.text, scope).kind;
  return kind === 'local' || kind === 'unknown';
}

/** `Mock` / `MagicMock` as a class reference (`Mock`, `mock.MagicMock`, `mocker.Mock`). */
function isMockClass(c: Checker, node: Node, scope: Scope): boolean {
  if (node.type === 'attribute') {
    const name = node.childForFieldName('attribute')?.text;
    if ((name === 'Mock' || name === 'MagicMock') && isMocker(c, node.childForFieldName('object'), scope)) return true;
  }
  if (node.type !== 'identifier' && node.type !== 'attribute') return false;
  const qualified = c.facts.qualifiedName(node, scope);
  return qualified !== undefined && MOCK_CLASSES.has(qualified);
}

/** The `Mock(...)` / `MagicMock(...)` call `node` is, if it is one. */
function mockConstruction(c: Checker, node: Node | undefined, scope: Scope): Node | undefined {
  if (node?.type !== 'call') return undefined;
  const callee = node.childForFieldName('function');
  return callee !== null && isMockClass(c, callee, scope) ? node : undefined;
}

/** True when a mock made from `call`'s arguments (a `Mock(...)`, or `patch(..., new_callable=Mock, ...)`) returns something never awaitable. */
function returnsNonAwaitable(c: Checker, call: Node, scope: Scope, ignore: ReadonlySet<string>): boolean {
  if (hasDictionarySplat(call) || hasListSplat(call)) return false;
  // Mock's first positional argument is `spec`; with an async function as spec it is async.
  if (ignore.size === 0 && positionalArguments(call).length > 0) return false;
  for (const keyword of ['spec', 'spec_set', 'wraps', 'autospec']) if (keywordArgument(call, keyword) !== undefined) return false;
  const sideEffect = keywordValue(call, 'side_effect');
  // An iterable of plain values is returned one by one; anything else (a function, an exception) may be fine.
  if (sideEffect !== undefined && sideEffect.type !== 'none') {
    const values = sideEffect.type === 'list' || sideEffect.type === 'tuple' ? sideEffect.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment') : undefined;
    if (values === undefined || !values.every((v) => LITERALS.has(v.type) || mockConstruction(c, v, scope) !== undefined)) return false;
  }
  const returnValue = keywordValue(call, 'return_value');
  // A future or another awaitable may be returned on purpose (the pre-3.8 way).
  if (returnValue !== undefined && !LITERALS.has(returnValue.type) && mockConstruction(c, returnValue, scope) === undefined) return false;
  return true;
}

/** The body statements of a class (decorated definitions unwrapped) binding `name`. */
function classMember(classNode: Node, name: string): Node[] {
  const body = classNode.childForFieldName('body');
  const found: Node[] = [];
  for (const statement of body?.namedChildren ?? []) {
    if (statement === null) continue;
    const definition = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (definition === null) continue;
    if ((definition.type === 'function_definition' || definition.type === 'class_definition') && definition.childForFieldName('name')?.text === name) found.push(definition);
    if (definition.type === 'expression_statement') {
      const assignment = definition.firstNamedChild;
      if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === name) found.push(assignment);
    }
  }
  return found;
}

/** The `class` statement of this file a name stands for (bound once, by the class itself). */
function localClass(c: Checker, node: Node, scope: Scope): Node | undefined {
  if (node.type !== 'identifier') return undefined;
  const resolution = c.facts.resolve(node.text, scope);
  if (resolution.kind !== 'local' || resolution.bindings.length !== 1) return undefined;
  const parent = resolution.bindings[0].node.parent;
  return parent?.type === 'class_definition' && parent.childForFieldName('name')?.id === resolution.bindings[0].node.id ? parent : undefined;
}

/** True when `method` of a class of this file is a plain `async def`. */
function localAsyncMethod(c: Checker, classNode: Node, method: string): boolean {
  const members = classMember(classNode, method);
  return members.length === 1 && isPlainAsyncDef(c.facts, members[0]);
}

/**
 * True when the attribute `name` of `owner` is an `async def` the analysis can see: `owner` is a
 * class of this file or an instance of it built in this scope, or a class or module of the project
 * (imported, read from disk), or an instance of such a class.
 */
function ownerAttributeIsAsync(c: Checker, owner: Node, name: string, scope: Scope): boolean {
  const fileName = c.context.fileName;
  const cls = localClass(c, owner, scope);
  if (cls !== undefined) return localAsyncMethod(c, cls, name);
  const reference = projectReference(c.facts, owner, scope);
  if (reference !== undefined) {
    const kind = projectKindOf(fileName, reference);
    return (kind === 'class' || kind === 'module') && projectKindOf(fileName, { level: reference.level, dotted: [...reference.dotted, name] }) === 'async';
  }
  if (owner.type === 'identifier') {
    const assigned = c.facts.assignedValue(owner, scope);
    const value = assigned?.value;
    if (value?.type === 'call') {
      const factory = value.childForFieldName('function');
      const instanceOf = factory === null ? undefined : localClass(c, factory, assigned?.scope ?? scope);
      if (instanceOf !== undefined) return localAsyncMethod(c, instanceOf, name);
    }
  }
  const projectClass = projectClassOf(c.facts, fileName, owner, scope);
  return projectClass !== undefined && projectKindOf(fileName, { level: projectClass.level, dotted: [...projectClass.dotted, name] }) === 'async';
}

/** True when a `patch("pkg.mod.name")` target string names an `async def` of the project. */
function targetIsAsync(c: Checker, target: string): boolean {
  return projectKind(c.context.fileName, 0, target.split('.')) === 'async';
}

/** `AsyncMock` in place of the mock class reference `node`, importing it where needed. */
function asyncMockFix(c: Checker, node: Node, scope: Scope): Fix[] {
  const title = 'Use `AsyncMock`';
  if (node.type === 'attribute') {
    const name = node.childForFieldName('attribute');
    return name === null ? [] : [{ title, safety: 'unsafe', edits: [{ start: name.startIndex, end: name.endIndex, newText: 'AsyncMock' }] }];
  }
  if (node.type !== 'identifier') return [];
  const resolution = c.facts.resolve(node.text, scope);
  if (resolution.kind !== 'import' || resolution.bindings.length !== 1) return [];
  const module = resolution.qualified.slice(0, resolution.qualified.lastIndexOf('.'));
  const replace: TextEdit = { start: node.startIndex, end: node.endIndex, newText: 'AsyncMock' };
  const existing = c.facts.resolve('AsyncMock', scope);
  if (existing.kind === 'import' && existing.qualified === `${module}.AsyncMock`) return [{ title, safety: 'unsafe', edits: [replace] }];
  if (existing.kind !== 'unknown' || c.facts.module.hasWildcardImport || c.facts.module.bindings.has('AsyncMock')) return [];
  // Add `AsyncMock` to the `from unittest.mock import ...` that brought the mock class in.
  const statement = resolution.bindings[0].node.parent;
  if (statement?.type !== 'import_from_statement' || statement.hasError) return [];
  const names = statement.childrenForFieldName('name').filter((n): n is Node => n !== null);
  const last = names[names.length - 1];
  if (last === undefined) return [];
  return [{ title, safety: 'unsafe', edits: [{ start: last.endIndex, end: last.endIndex, newText: ', AsyncMock' }, replace] }];
}

function report(c: Checker, mockClass: Node, scope: Scope, target: string): void {
  const name = mockClass.type === 'attribute' ? (mockClass.childForFieldName('attribute')?.text ?? 'Mock') : mockClass.text;
  const magic = name === 'MagicMock' || c.facts.qualifiedName(mockClass, scope)?.endsWith('.MagicMock') === true;
  c.context.report({
    start: mockClass.startIndex,
    end: mockClass.endIndex,
    message: `\`${name}\` stands in for the async function \`${target}\`: what it returns cannot be awaited (\`TypeError: object ${magic ? 'MagicMock' : 'Mock'} can't be used in 'await' expression\`). Use \`AsyncMock\`.`,
    fixes: asyncMockFix(c, mockClass, scope),
  });
}

/** A mock put in place by `patch(...)`-like `call`: `new` (the replacement) or `new_callable=Mock`. */
function checkReplacement(c: Checker, call: Node, scope: Scope, replacement: Node | undefined, target: string, isAsync: () => boolean): void {
  const construction = mockConstruction(c, replacement, scope);
  if (construction !== undefined) {
    if (!returnsNonAwaitable(c, construction, scope, new Set())) return;
    if (!isAsync()) return;
    const callee = construction.childForFieldName('function');
    if (callee !== null) report(c, callee, scope, target);
    return;
  }
  if (replacement !== undefined) return;
  const factory = keywordValue(call, 'new_callable');
  if (factory === undefined || !isMockClass(c, factory, scope)) return;
  if (!returnsNonAwaitable(c, call, scope, PATCH_KEYWORDS)) return;
  if (!isAsync()) return;
  report(c, factory, scope, target);
}

/** `patch(...)`, `patch.object(...)`, `mocker.patch(...)`, `mocker.patch.object(...)`, `monkeypatch.setattr(...)`. */
function checkPatcher(c: Checker, call: Node, scope: Scope): void {
  const callee = call.childForFieldName('function');
  if (callee === null || hasListSplat(call)) return;
  let kind: 'patch' | 'object' | 'setattr' | undefined;
  const qualified = c.facts.qualifiedName(callee, scope);
  if (qualified !== undefined) {
    if (PATCH.has(qualified)) kind = 'patch';
    else if (PATCH_OBJECT.has(qualified)) kind = 'object';
  } else if (callee.type === 'attribute') {
    const object = callee.childForFieldName('object');
    const attribute = callee.childForFieldName('attribute')?.text;
    if (attribute === 'patch' && isMocker(c, object, scope)) kind = 'patch';
    else if (attribute === 'object' && object?.type === 'attribute' && object.childForFieldName('attribute')?.text === 'patch' && isMocker(c, object.childForFieldName('object'), scope)) kind = 'object';
    else if (attribute === 'setattr' && object?.type === 'identifier' && object.text === 'monkeypatch' && c.facts.resolve('monkeypatch', scope).kind !== 'import') kind = 'setattr';
  }
  if (kind === undefined) return;
  const positional = positionalArguments(call);
  if (kind === 'patch') {
    const target = stringValue(positional[0] ?? keywordValue(call, 'target'));
    if (target === undefined) return;
    checkReplacement(c, call, scope, positional[1] ?? keywordValue(call, 'new'), target, () => targetIsAsync(c, target));
    return;
  }
  if (kind === 'object') {
    const owner = positional[0] ?? keywordValue(call, 'target');
    const name = stringValue(positional[1] ?? keywordValue(call, 'attribute'));
    if (owner === undefined || name === undefined || name.includes('.')) return;
    checkReplacement(c, call, scope, positional[2] ?? keywordValue(call, 'new'), `${owner.text}.${name}`, () => ownerAttributeIsAsync(c, owner, name, scope));
    return;
  }
  // monkeypatch.setattr("pkg.mod.name", value) or monkeypatch.setattr(owner, "name", value)
  const dotted = positional.length === 2 ? stringValue(positional[0]) : undefined;
  if (dotted !== undefined) {
    const value = positional[1];
    if (mockConstruction(c, value, scope) !== undefined) checkReplacement(c, call, scope, value, dotted, () => targetIsAsync(c, dotted));
    return;
  }
  const owner = positional[0];
  const name = stringValue(positional[1]);
  const value = positional[2] ?? keywordValue(call, 'value');
  if (owner === undefined || name === undefined || name.includes('.') || mockConstruction(c, value, scope) === undefined) return;
  checkReplacement(c, call, scope, value, `${owner.text}.${name}`, () => ownerAttributeIsAsync(c, owner, name, scope));
}

/** `owner.name = Mock(...)` where `owner.name` is an `async def`. */
function checkAssignment(c: Checker, construction: Node, scope: Scope): void {
  const assignment = construction.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== construction.id) return;
  const left = assignment.childForFieldName('left');
  if (left?.type !== 'attribute') return;
  const owner = left.childForFieldName('object');
  const name = left.childForFieldName('attribute')?.text;
  if (owner === null || name === undefined) return;
  if (!returnsNonAwaitable(c, construction, scope, new Set())) return;
  if (!ownerAttributeIsAsync(c, owner, name, scope)) return;
  const callee = construction.childForFieldName('function');
  if (callee !== null) report(c, callee, scope, `${owner.text}.${name}`);
}

/** True when the project supports a Python without `AsyncMock` (before 3.8). */
function beforeAsyncMock(context: PythonCheckContext): boolean {
  const version = context.project.pythonVersion;
  return version !== undefined && (version[0] < 3 || (version[0] === 3 && version[1] < 8));
}

const check: PythonCheck = {
  rule,
  run(context) {
    // Every flagged spelling names `Mock` or `MagicMock`: most files are done here.
    if (beforeAsyncMock(context) || !context.source.text.includes('Mock')) return;
    const facts = pythonFacts(context.parsed);
    const c: Checker = { context, facts };
    for (const { node: call, scope } of facts.calls) {
      const callee = call.childForFieldName('function');
      if (callee === null) continue;
      if (isMockClass(c, callee, scope)) checkAssignment(c, call, scope);
      else checkPatcher(c, call, scope);
    }
  },
};

export default check;
