import ts from 'typescript';
import type { TypeScriptParsed } from '../parsed';

/**
 * Name resolution from syntax alone: which module member (or global) an identifier or property
 * access refers to, with local shadowing taken into account.
 *
 * One walk per file records every value declaration in the lexical scope it belongs to (imports,
 * `require` bindings, parameters, variables, functions, classes, catch bindings...). Resolving a
 * name then walks up the parent chain from the use and takes the closest declaration, so
 * `import { readFileSync } from "fs"` is shadowed by a parameter or local function of the same
 * name. The tables are built once per parsed file and cached.
 */

// Every export of the compiler is a getter; in code that runs once per node, read the ones used
// there once, up front.
const SyntaxKind = ts.SyntaxKind;
const forEachChild = ts.forEachChild;
const LAST_TOKEN = ts.SyntaxKind.LastToken;

/** A name bound to (a member of) a module: `import`, `require`, `import x = require`, `await import`. */
export interface ModuleBinding {
  kind: 'module';
  name: string;
  /** The module specifier exactly as written (`"node:fs"`). */
  specifier: string;
  /** Member path taken from the module: `[]` for the namespace, `['readFileSync']` for a named import. */
  path: readonly string[];
  via: 'import' | 'require';
  /** The import specifier, namespace import, import clause, binding element or variable declaration. */
  declaration: ts.Node;
}

/** Any other value declaration: parameter, variable, function, class, catch binding, enum... */
export interface LocalBinding {
  kind: 'local';
  name: string;
  declaration: ts.Node;
}

export type Binding = ModuleBinding | LocalBinding;

export interface ResolvedName {
  /** Normalised module (`fs`, `fs/promises`, `child_process`...), or undefined for a global. */
  module: string | undefined;
  /** Member path inside the module or the global object. */
  path: readonly string[];
  /** `fs.readFileSync`, `fs/promises.readFile`, `Atomics.wait`, `fetch`. */
  qualified: string;
}

export interface FileBindings {
  readonly sourceFile: ts.SourceFile;
  /** Every module-bound name in the file, in source order. */
  readonly moduleBindings: readonly ModuleBinding[];
  /** Every value name declared anywhere in the file (any scope). */
  readonly declaredNames: ReadonlySet<string>;
  /** Top-level import declarations, in source order. */
  readonly imports: readonly ts.ImportDeclaration[];
  /**
   * The run of statements at the top of the file (after the directive prologue) that only load
   * modules: imports, `import x = require()`, `const x = require()`.
   */
  readonly leadingModuleStatements: readonly ts.Statement[];
  /** The directive prologue (`"use strict"`, `"use client"`). */
  readonly directives: readonly ts.Statement[];
  /** Whether the file loads modules with `import` (or has exports) vs `require`. */
  readonly moduleStyle: 'esm' | 'cjs';
  /** The closest declaration of `name` visible at `at`, or undefined (a global or undeclared). */
  lookup(name: string, at: ts.Node): Binding | undefined;
  /** What an identifier named `name` at `at` refers to (undefined when a local shadows it). */
  resolveName(name: string, at: ts.Node): ResolvedName | undefined;
  /** What an expression (identifier, property access chain, `require("x").y`) refers to. */
  resolve(expression: ts.Expression): ResolvedName | undefined;
}

/** `node:fs` → `fs`. */
export function normaliseSpecifier(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
}

/** Normalises a module + member path: drops `default` (CJS interop), folds `fs.promises` into `fs/promises`. */
export function normaliseName(specifier: string | undefined, path: readonly string[]): ResolvedName | undefined {
  let rest = path;
  if (specifier === undefined) {
    if (rest.length === 0) return undefined;
    return { module: undefined, path: rest, qualified: rest.join('.') };
  }
  let module = normaliseSpecifier(specifier);
  if (rest[0] === 'default') rest = rest.slice(1);
  if (module === 'fs' && rest[0] === 'promises') {
    module = 'fs/promises';
    rest = rest.slice(1);
    if (rest[0] === 'default') rest = rest.slice(1);
  }
  return { module, path: rest, qualified: rest.length === 0 ? module : `${module}.${rest.join('.')}` };
}

interface ModuleSource {
  specifier: string;
  path: string[];
  via: 'import' | 'require';
}

function stringLiteralText(node: ts.Node | undefined): string | undefined {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

const WRAPPERS: ReadonlySet<ts.SyntaxKind> = new Set([
  SyntaxKind.ParenthesizedExpression,
  SyntaxKind.NonNullExpression,
  SyntaxKind.AsExpression,
  SyntaxKind.SatisfiesExpression,
  SyntaxKind.TypeAssertionExpression,
]);

/** Strips wrappers that do not change which value an expression denotes: `(x)`, `x!`, `x as T`. */
export function skipWrappers(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (WRAPPERS.has(current.kind)) {
    current = (current as ts.ParenthesizedExpression | ts.NonNullExpression | ts.AsExpression | ts.SatisfiesExpression | ts.TypeAssertion).expression;
  }
  return current;
}

/** `require("x")`, `await import("x")`, and property accesses on them. */
function moduleSourceOf(expression: ts.Expression): ModuleSource | undefined {
  const node = skipWrappers(expression);
  if (ts.isCallExpression(node)) {
    const specifier = stringLiteralText(node.arguments[0]);
    if (specifier === undefined || node.arguments.length !== 1) return undefined;
    if (ts.isIdentifier(node.expression) && node.expression.text === 'require') return { specifier, path: [], via: 'require' };
    return undefined;
  }
  if (ts.isAwaitExpression(node)) {
    const inner = skipWrappers(node.expression);
    if (ts.isCallExpression(inner) && inner.expression.kind === SyntaxKind.ImportKeyword) {
      const specifier = stringLiteralText(inner.arguments[0]);
      if (specifier !== undefined) return { specifier, path: [], via: 'import' };
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
    const base = moduleSourceOf(node.expression);
    return base === undefined ? undefined : { ...base, path: [...base.path, node.name.text] };
  }
  if (ts.isElementAccessExpression(node)) {
    const key = stringLiteralText(node.argumentExpression);
    const base = key === undefined ? undefined : moduleSourceOf(node.expression);
    return base === undefined || key === undefined ? undefined : { ...base, path: [...base.path, key] };
  }
  return undefined;
}

function isRequireStatement(statement: ts.Statement): boolean {
  if (ts.isImportEqualsDeclaration(statement)) return ts.isExternalModuleReference(statement.moduleReference);
  if (!ts.isVariableStatement(statement)) return false;
  const declarations = statement.declarationList.declarations;
  return (
    declarations.length > 0 &&
    declarations.every((d) => d.initializer !== undefined && moduleSourceOf(d.initializer)?.via === 'require')
  );
}

function propertyKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

/** Where `let`, `const`, classes and (in modules) function declarations live. */
const BLOCK_SCOPES: ReadonlySet<ts.SyntaxKind> = new Set([
  SyntaxKind.Block,
  SyntaxKind.ModuleBlock,
  SyntaxKind.CaseBlock,
  SyntaxKind.ForStatement,
  SyntaxKind.ForInStatement,
  SyntaxKind.ForOfStatement,
  SyntaxKind.CatchClause,
]);

/** Where `var` (and parameters) live: functions, static blocks, namespaces, the file. */
const VAR_SCOPES: ReadonlySet<ts.SyntaxKind> = new Set([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
  SyntaxKind.Constructor,
  SyntaxKind.ClassStaticBlockDeclaration,
  SyntaxKind.ModuleBlock,
  SyntaxKind.SourceFile,
]);

/** Type syntax (annotations, type literals...): declares no values, so the walk skips it. */
function isTypeSyntax(kind: ts.SyntaxKind): boolean {
  return (kind >= SyntaxKind.FirstTypeNode && kind <= SyntaxKind.LastTypeNode) || kind === SyntaxKind.InterfaceDeclaration || kind === SyntaxKind.TypeAliasDeclaration;
}

/**
 * The binding tables of `sourceFile`, built lazily: the declarations of one var scope (a function,
 * a namespace block, the file) and of the blocks inside it, down to the nested var scopes, are
 * recorded in one walk of that region, the first time a lookup passes through it. A lookup inside
 * one function body walks the file's top level and that function, not every other body. The
 * file-wide lists (`moduleBindings`, `declaredNames`) walk every region. `eager` walks them all
 * up front (the tests compare both).
 */
function build(sourceFile: ts.SourceFile, eager = false): FileBindings {
  const scopes = new Map<ts.Node, Map<string, Binding>>();
  const regionBindings: ModuleBinding[] = [];
  const declaredNames = new Set<string>();
  /** The var scopes whose region was walked (or is inside type syntax, which declares nothing). */
  const walked = new Set<ts.Node>();
  /** Nested var scopes met by a region walk, not walked yet. */
  const pending: ts.Node[] = [];

  const declare = (scope: ts.Node, binding: Binding): void => {
    let table = scopes.get(scope);
    if (table === undefined) {
      table = new Map();
      scopes.set(scope, table);
    }
    table.set(binding.name, binding);
    declaredNames.add(binding.name);
    if (binding.kind === 'module') regionBindings.push(binding);
  };
  const declareBindingName = (name: ts.BindingName, source: ModuleSource | undefined, scope: ts.Node, declaration: ts.Node): void => {
    if (ts.isIdentifier(name)) {
      declare(
        scope,
        source === undefined
          ? { kind: 'local', name: name.text, declaration }
          : { kind: 'module', name: name.text, specifier: source.specifier, path: source.path, via: source.via, declaration },
      );
      return;
    }
    for (const element of name.elements) {
      if (ts.isOmittedExpression(element)) continue;
      let childSource: ModuleSource | undefined;
      if (source !== undefined && ts.isObjectBindingPattern(name) && element.dotDotDotToken === undefined) {
        const key = element.propertyName !== undefined ? propertyKey(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
        if (key !== undefined) childSource = { ...source, path: [...source.path, key] };
      }
      declareBindingName(element.name, childSource, scope, element);
    }
  };

  const declareImport = (node: ts.ImportDeclaration, scope: ts.Node): void => {
    const clause = node.importClause;
    const specifier = stringLiteralText(node.moduleSpecifier);
    if (clause === undefined || clause.isTypeOnly || specifier === undefined) return;
    const add = (name: ts.Identifier, path: string[], declaration: ts.Node): void =>
      declare(scope, { kind: 'module', name: name.text, specifier, path, via: 'import', declaration });
    if (clause.name !== undefined) add(clause.name, ['default'], clause);
    const bindings = clause.namedBindings;
    if (bindings === undefined) return;
    if (ts.isNamespaceImport(bindings)) {
      add(bindings.name, [], bindings);
      return;
    }
    for (const element of bindings.elements) {
      if (element.isTypeOnly) continue;
      add(element.name, [(element.propertyName ?? element.name).text], element);
    }
  };

  // The innermost block scope and var scope around the node being visited (saved and restored
  // around each node's children: one visit function, no closure per child).
  let block: ts.Node = sourceFile;
  let varScope: ts.Node = sourceFile;
  const visit = (node: ts.Node): void => {
    const kind = node.kind;
    // Tokens and identifiers declare nothing and have no children.
    if (kind <= LAST_TOKEN) return;
    // Types declare no values; skipping them also keeps `(fs: X) => void` from shadowing `fs`.
    if (isTypeSyntax(kind)) return;
    switch (kind) {
      case SyntaxKind.VariableDeclaration: {
        const declaration = node as ts.VariableDeclaration;
        const list = declaration.parent;
        const blockScoped = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.BlockScoped) !== 0;
        const scope = ts.isCatchClause(list) ? list : blockScoped ? block : varScope;
        const source = declaration.initializer === undefined ? undefined : moduleSourceOf(declaration.initializer);
        declareBindingName(declaration.name, source, scope, declaration);
        break;
      }
      case SyntaxKind.Parameter:
        declareBindingName((node as ts.ParameterDeclaration).name, undefined, node.parent, node);
        break;
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.ClassDeclaration:
      case SyntaxKind.EnumDeclaration: {
        const name = (node as ts.FunctionDeclaration | ts.ClassDeclaration | ts.EnumDeclaration).name;
        if (name !== undefined) declare(block, { kind: 'local', name: name.text, declaration: node });
        break;
      }
      case SyntaxKind.ModuleDeclaration: {
        const name = (node as ts.ModuleDeclaration).name;
        if (ts.isIdentifier(name)) declare(block, { kind: 'local', name: name.text, declaration: node });
        break;
      }
      case SyntaxKind.ClassExpression: {
        // (A function expression's own name is declared by its region: see walkRegion.)
        const name = (node as ts.ClassExpression).name;
        if (name !== undefined) declare(node, { kind: 'local', name: name.text, declaration: node });
        break;
      }
      case SyntaxKind.ImportDeclaration:
        declareImport(node as ts.ImportDeclaration, block);
        return;
      case SyntaxKind.ImportEqualsDeclaration: {
        const declaration = node as ts.ImportEqualsDeclaration;
        if (declaration.isTypeOnly) return;
        const reference = declaration.moduleReference;
        const specifier = ts.isExternalModuleReference(reference) ? stringLiteralText(reference.expression) : undefined;
        declare(
          block,
          specifier === undefined
            ? { kind: 'local', name: declaration.name.text, declaration }
            : { kind: 'module', name: declaration.name.text, specifier, path: [], via: 'require', declaration },
        );
        return;
      }
      default:
        break;
    }
    if (VAR_SCOPES.has(kind)) {
      // A region of its own: walked now (eager) or when a lookup first needs it.
      if (eager) walkRegion(node);
      else pending.push(node);
      return;
    }
    const outerBlock = block;
    if (BLOCK_SCOPES.has(kind)) block = node;
    forEachChild(node, visit);
    block = outerBlock;
  };

  /** Records the declarations of the var scope `scope` and of the blocks in it (not of nested var scopes). */
  function walkRegion(scope: ts.Node): void {
    if (walked.has(scope)) return;
    walked.add(scope);
    const outerBlock = block;
    const outerVarScope = varScope;
    if (scope.kind === SyntaxKind.FunctionExpression) {
      const name = (scope as ts.FunctionExpression).name;
      if (name !== undefined) declare(scope, { kind: 'local', name: name.text, declaration: scope });
    }
    block = scope;
    varScope = scope;
    forEachChild(scope, visit);
    block = outerBlock;
    varScope = outerVarScope;
  }

  /** The var scope whose region records `node`'s own table (itself for a var scope). */
  const regionOf = (node: ts.Node): ts.Node => {
    let current = node;
    while (!VAR_SCOPES.has(current.kind) && current.parent !== undefined) current = current.parent;
    return current;
  };

  /** Walks the region of the var scope `scope` unless done, or unless it lies in type syntax (never walked). */
  const ensureRegion = (scope: ts.Node): void => {
    if (walked.has(scope)) return;
    for (let node = scope.parent; node !== undefined; node = node.parent) {
      if (isTypeSyntax(node.kind) || node.kind <= LAST_TOKEN) {
        walked.add(scope);
        return;
      }
    }
    walkRegion(scope);
  };

  let complete = eager;
  /** Walks every region (for the file-wide lists). */
  const ensureAll = (): void => {
    if (complete) return;
    complete = true;
    ensureRegion(sourceFile);
    while (pending.length > 0) ensureRegion(pending.pop() as ts.Node);
  };

  if (eager) walkRegion(sourceFile);

  const lookup = (name: string, at: ts.Node): Binding | undefined => {
    if (!complete) ensureRegion(regionOf(at));
    for (let node: ts.Node | undefined = at; node !== undefined; node = node.parent) {
      // Above a var scope, the tables belong to the region of the next one up.
      if (!complete && node.parent !== undefined && VAR_SCOPES.has(node.kind)) ensureRegion(regionOf(node.parent));
      const binding = scopes.get(node)?.get(name);
      if (binding !== undefined) return binding;
    }
    return undefined;
  };

  const resolveName = (name: string, at: ts.Node): ResolvedName | undefined => {
    const binding = lookup(name, at);
    if (binding === undefined) return name === 'globalThis' ? undefined : normaliseName(undefined, [name]);
    return binding.kind === 'module' ? normaliseName(binding.specifier, binding.path) : undefined;
  };

  // The raw module + path an expression denotes; `globalThis` is the global object itself.
  const resolveRaw = (expression: ts.Expression): { specifier: string | undefined; path: string[] } | undefined => {
    const node = skipWrappers(expression);
    if (ts.isIdentifier(node)) {
      const binding = lookup(node.text, node);
      if (binding === undefined) return { specifier: undefined, path: node.text === 'globalThis' ? [] : [node.text] };
      return binding.kind === 'module' ? { specifier: binding.specifier, path: [...binding.path] } : undefined;
    }
    if (ts.isPropertyAccessExpression(node)) {
      if (!ts.isIdentifier(node.name)) return undefined;
      const base = resolveRaw(node.expression);
      return base === undefined ? undefined : { specifier: base.specifier, path: [...base.path, node.name.text] };
    }
    if (ts.isElementAccessExpression(node)) {
      const key = stringLiteralText(node.argumentExpression);
      const base = key === undefined ? undefined : resolveRaw(node.expression);
      return base === undefined || key === undefined ? undefined : { specifier: base.specifier, path: [...base.path, key] };
    }
    if (ts.isCallExpression(node) || ts.isAwaitExpression(node)) {
      const source = moduleSourceOf(node);
      if (source === undefined) return undefined;
      // A local function called `require` is not Node's.
      if (source.via === 'require' && lookup('require', node) !== undefined) return undefined;
      return { specifier: source.specifier, path: source.path };
    }
    return undefined;
  };

  const resolve = (expression: ts.Expression): ResolvedName | undefined => {
    const raw = resolveRaw(expression);
    return raw === undefined ? undefined : normaliseName(raw.specifier, raw.path);
  };

  const imports: ts.ImportDeclaration[] = [];
  const directives: ts.Statement[] = [];
  const leadingModuleStatements: ts.Statement[] = [];
  let inPrologue = true;
  let inLeadingRun = true;
  let hasExports = false;
  for (const statement of sourceFile.statements) {
    if (inPrologue && ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression)) {
      directives.push(statement);
      continue;
    }
    inPrologue = false;
    if (ts.isImportDeclaration(statement)) imports.push(statement);
    if (
      ts.isExportDeclaration(statement) ||
      ts.isExportAssignment(statement) ||
      (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === SyntaxKind.ExportKeyword) === true)
    ) {
      hasExports = true;
    }
    if (inLeadingRun && (ts.isImportDeclaration(statement) || isRequireStatement(statement))) {
      leadingModuleStatements.push(statement);
    } else {
      inLeadingRun = false;
    }
  }

  let moduleBindings: ModuleBinding[] | undefined;
  /** Every module binding in source order (regions are walked in any order; the array sort is stable). */
  const allModuleBindings = (): readonly ModuleBinding[] => {
    if (moduleBindings === undefined) {
      ensureAll();
      moduleBindings = complete && eager ? regionBindings : regionBindings.slice().sort((a, b) => a.declaration.pos - b.declaration.pos);
    }
    return moduleBindings;
  };

  let moduleStyle: 'esm' | 'cjs' | undefined;
  const styleOf = (): 'esm' | 'cjs' => {
    const extension = /\.[cm]?[jt]sx?$/i.exec(sourceFile.fileName)?.[0].toLowerCase() ?? '.ts';
    if (imports.length > 0 || hasExports) return 'esm';
    if (allModuleBindings().some((b) => b.via === 'require')) return 'cjs';
    if (extension === '.cjs' || extension === '.cts' || extension === '.js' || extension === '.jsx') return 'cjs';
    return 'esm';
  };

  return {
    sourceFile,
    get moduleBindings() {
      return allModuleBindings();
    },
    get declaredNames() {
      ensureAll();
      return declaredNames;
    },
    imports,
    leadingModuleStatements,
    directives,
    get moduleStyle() {
      moduleStyle ??= styleOf();
      return moduleStyle;
    },
    lookup,
    resolveName,
    resolve,
  };
}

/** The binding tables of `sourceFile` built in one walk up front (what the lazy tables must equal; for tests). */
export function eagerBindings(sourceFile: ts.SourceFile): FileBindings {
  return build(sourceFile, true);
}

/** Every value name declared anywhere in `sourceFile` (what `FileBindings.declaredNames` holds). */
export function declaredNamesOf(sourceFile: ts.SourceFile): ReadonlySet<string> {
  return build(sourceFile, true).declaredNames;
}

const cache = new WeakMap<TypeScriptParsed, FileBindings>();

/** The binding tables of a parsed file, built on first use and cached for the parse's lifetime. */
export function bindingsOf(parsed: TypeScriptParsed): FileBindings {
  let bindings = cache.get(parsed);
  if (bindings === undefined) {
    bindings = build(parsed.sourceFile);
    cache.set(parsed, bindings);
  }
  return bindings;
}
