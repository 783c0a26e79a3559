import * as ts from 'typescript';
import checks from 'discover:languages/typescript/checks';
import type { LanguagePack, SourceComment } from '../../engine/languagePack';
import type { SourceText } from '../../engine/sourceText';
import { walkStructure } from './facts/comments';
import { beginAnalysis, forgetIncremental, incrementally, structureOf as incrementalStructure } from './incremental';
import type { TypeScriptParsed, TypeScriptTypes } from './parsed';
import type { ConfigProblem } from './project/config';
import { changeRange, JSDOC_PARSING_MODE, scriptKindOf } from './project/project';
import { ProjectService } from './project/service';
import { typescriptPackInfo } from './info';

export type { ConfigProblem } from './project/config';

/** The project model shared by every analysis in this process (server or CLI). */
export const projects = new ProjectService();

/**
 * Problems in the tsconfig.json / jsconfig.json files seen so far (bad JSON, a missing `extends`
 * target, invalid options), plus those of `configFiles`, loaded now if needed. Positions are
 * 0-based line and UTF-16 column. Meanwhile, files under a broken config use an inferred project.
 */
export function configProblems(configFiles: readonly string[] = []): ConfigProblem[] {
  return projects.configProblems(configFiles);
}


/** Edits of files up to this size are parsed by the project directly (larger ones may get no types). */
const EAGER_TYPES_MAX_LENGTH = 1_000_000;

/** Every comment (with its text) and the tree's depth, in one walk (see walkStructure). */
function structureOf(parsed: TypeScriptParsed): { comments: SourceComment[]; depth: number } {
  const { sourceFile } = parsed;
  // In a TypeScript file, an edit inside a stable function body walks that body only.
  const { comments, depth } = parsed.incremental === undefined ? walkStructure(sourceFile) : incrementalStructure(parsed.incremental, sourceFile);
  return { comments: comments.map(({ start, end }) => ({ start, end, text: sourceFile.text.slice(start, end) })), depth };
}

/**
 * The last tree the pack parsed itself, per file, once its analysis is over (`dispose`): updating
 * a tree reuses and moves its nodes, so only a tree nobody uses any more may be updated (never one
 * a program holds, nor one whose parse was not disposed).
 */
const ownTrees = new Map<string, ts.SourceFile>();
/** Trees made by `ownParse`, until disposed. */
const ownMade = new WeakSet<ts.SourceFile>();
/** Own trees kept at once (an editor edits one file at a time; a CLI run parses each file once). */
const MAX_OWN_TREES = 4;

/**
 * Parses `text` for the pack's own use, incrementally from the previous own tree of the same file
 * when there is one (an edit in the editor when no program is warm: only the part of the file
 * around the edit is re-parsed, the rest of the nodes are reused).
 */
function ownParse(fileName: string, text: string): ts.SourceFile {
  const previous = ownTrees.get(fileName);
  let sourceFile: ts.SourceFile | undefined;
  if (previous !== undefined) {
    ownTrees.delete(fileName);
    const before = previous.text;
    if (before === text) sourceFile = previous;
    else sourceFile = ts.updateSourceFile(previous, text, changeRange(before, text));
  }
  sourceFile ??= ts.createSourceFile(fileName, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: JSDOC_PARSING_MODE }, true, scriptKindOf(fileName));
  ownMade.add(sourceFile);
  return sourceFile;
}

const typescriptPack: LanguagePack<TypeScriptParsed> = {
  ...typescriptPackInfo,
  checks: checks.map(incrementally),

  async init(options) {
    this.initNow?.(options);
  },

  initNow(options) {
    // The TypeScript compiler is plain JavaScript: nothing to load. A bundle ships the
    // compiler's lib.*.d.ts files beside the WASM files; look there first.
    projects.addLibCandidate(options.wasmDir);
  },

  parse(source: SourceText, fileName: string): TypeScriptParsed {
    const text = source.text;
    const stateBefore = projects.stateVersion();
    // Recorded now (cheap), so that other files' programs see this text too.
    projects.update(fileName, text);
    let types: TypeScriptTypes | undefined | null = null;
    // Parse once, not twice: the program's own SourceFile when its project already holds this
    // text (the CLI after the first file, the editor for unchanged files); for an edit in a warm
    // project (types were asked for before, so they will be again), the updated program's.
    let sourceFile = projects.warmSourceFile(fileName, text);
    if (sourceFile === undefined && text.length <= EAGER_TYPES_MAX_LENGTH && projects.isWarm(fileName)) {
      types = projects.typesFor(fileName, text);
      sourceFile = types?.sourceFile;
    }
    sourceFile ??= ownParse(fileName, text);
    return {
      sourceFile,
      types: () => {
        if (types === null) types = projects.typesFor(fileName, text);
        return types;
      },
      incremental: beginAnalysis(projects.nameOf(fileName), text, sourceFile, stateBefore, () => projects.stateVersion()),
    };
  },

  structure: structureOf,

  dispose(parsed) {
    // Garbage-collected; the project model keeps the text until `forget`. A tree of the pack's own
    // is kept for the next parse of the same file to update.
    const { sourceFile } = parsed;
    if (!ownMade.has(sourceFile)) return;
    ownMade.delete(sourceFile);
    ownTrees.delete(sourceFile.fileName);
    ownTrees.set(sourceFile.fileName, sourceFile);
    if (ownTrees.size > MAX_OWN_TREES) ownTrees.delete(ownTrees.keys().next().value as string);
  },

  forget(fileName) {
    ownTrees.delete(fileName);
    forgetIncremental(projects.nameOf(fileName));
    projects.forget(fileName);
  },

  invalidate(fileNames) {
    for (const fileName of fileNames) ownTrees.delete(fileName);
    forgetIncremental();
    projects.invalidate(fileNames);
  },

  projectProblems() {
    return configProblems();
  },
};

export default typescriptPack;
