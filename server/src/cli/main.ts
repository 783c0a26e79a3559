// The command-line interface: the same engine as the editor, over files and folders, for CI.
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import packageJson from '../../../package.json';
import { Engine, packForFile } from '../engine/engine';
import type { EngineSettings } from '../engine/settings';
import { TimingTotals } from './timings';
import { analyzeTask, type FileFinding, type FileOutcome, type FileTask, type FixMode } from './analyzeFile';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args';
import { defaultCacheLocation, hashText, ResultCache, stableStringify, toolFingerprint } from './cache';
import { INSTRUCTIONS_FORMATS, isInstructionsFormat, runInstructions } from './instructions';
import { planChunks, ProjectRoots, inShard } from './plan';
import { defaultCores, isPoolWorker, runOnWorkers, runPoolWorker, type Chunk } from './pool';
import { Progress } from './progress';
import { displayPath, formatGithub, formatJson, formatText, toCliFinding, type CliFinding } from './report';
import { formatSarif } from './sarif';
import { createSettingsSource, describeProblem, withCommandLineRules, type SettingsSource } from './settingsSource';
import { collectFiles, UnreadablePathError } from './walk';

const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

/**
 * Below this many files a run stays on the main thread: a worker needs about half a second to
 * start (it loads the whole bundle, TypeScript included). Measured on an idle 2-core machine
 * (generated Python corpora, 1 thread vs 2 workers): 50 files 1.0 s vs 1.6 s, 500 files 4.3 s vs
 * 3.5 s, 2,000 files 15.3 s vs 9.5 s. A single TypeScript project is never split (see planChunks).
 */
const MIN_FILES_FOR_WORKERS = 200;
const MAX_DEFAULT_THREADS = 8;
/** How many files are read from disk at once. */
const READ_CONCURRENCY = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function say(message: string): void {
  process.stderr.write(`async-guardrails: ${message}\n`);
}

/** Files whose first bytes hold a NUL are binary, whatever their extension says. */
type Decoded = { text: string } | { problem: string };

function decode(bytes: Uint8Array): Decoded {
  if (bytes.subarray(0, 8000).includes(0)) return { problem: 'binary content' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { problem: 'not valid UTF-8' };
  }
  return { text };
}

/** A file of the run, from discovery to result. Its text is read when it is analysed (and, with --cache, once before to hash it). */
interface RunFile {
  file: string;
  shown: string;
  settings: EngineSettings;
  /** Project root for TypeScript/JavaScript files (per-project state); undefined for independent files. */
  group: string | undefined;
  size: number;
  contentHash: string;
  cacheKey: string;
  /** Could not be read or decoded (reported once). */
  skipped: boolean;
}

function chooseThreads(options: CliOptions, files: number): number {
  if (options.threads !== undefined) return options.threads;
  return files >= MIN_FILES_FOR_WORKERS ? Math.min(defaultCores(), MAX_DEFAULT_THREADS) : 1;
}

function fixMode(options: CliOptions): FixMode {
  if (!options.fix) return 'none';
  return options.unsafeFixes ? 'unsafe' : 'safe';
}

function exitCodeFor(findings: readonly CliFinding[], options: CliOptions): number {
  if (findings.some((f) => f.severity === 'error')) return EXIT_FINDINGS;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) return EXIT_FINDINGS;
  return EXIT_CLEAN;
}

function render(findings: readonly CliFinding[], filesChecked: number, options: CliOptions, engine: Engine, cwd: string, stream: NodeJS.WriteStream): string {
  switch (options.format) {
    case 'json':
      return formatJson(findings);
    case 'sarif':
      return formatSarif({ findings, rules: engine.rules, version: packageJson.version, cwd });
    case 'github':
      return formatGithub(findings);
    case 'text':
      return formatText(findings, filesChecked, stream);
  }
}

function maxWarningsNote(findings: readonly CliFinding[], options: CliOptions): void {
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    say(`${warnings} warnings found, more than --max-warnings ${options.maxWarnings}`);
  }
}

async function readStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(typeof part === 'string' ? Buffer.from(part) : (part as Buffer));
  return Buffer.concat(parts);
}

/** `--stdin --stdin-filename <name>`: the text is analysed as that file; with --fix the fixed text goes to stdout. */
async function checkStdin(engine: Engine, source: SettingsSource, options: CliOptions, cwd: string): Promise<number> {
  const file = path.resolve(cwd, options.stdinFilename ?? 'stdin');
  const decoded = decode(await readStdin());
  if ('problem' in decoded) {
    say(`cannot check stdin (${options.stdinFilename}): ${decoded.problem}`);
    return EXIT_USAGE;
  }
  const resolved = await source.settingsFor(file);
  const problem = source.problems()[0];
  if (problem !== undefined) {
    say(describeProblem(problem, cwd));
    return EXIT_USAGE;
  }
  const output = options.fix ? process.stderr : process.stdout;
  let findings: CliFinding[] = [];
  let text = decoded.text;
  if (!resolved.excluded && packForFile(file) !== undefined) {
    const outcome = analyzeTask(engine, { file, text, settings: withCommandLineRules(resolved.settings, options.rules), fix: fixMode(options) });
    for (const message of outcome.internalErrors) say(`internal error: ${message}`);
    if (outcome.skipped !== undefined) say(`skipped ${displayPath(outcome.file, cwd)}: ${outcome.skipped}`);
    if (options.timings) {
      const totals = new TimingTotals();
      totals.add(outcome.timings);
      say(totals.render());
    }
    text = outcome.fixedText ?? text;
    const shown = displayPath(file, cwd);
    findings = outcome.findings.map((f) => toCliFinding(shown, f));
  }
  if (options.fix) process.stdout.write(text);
  const report = render(findings, 1, options, engine, cwd, output);
  if (report !== '') output.write(`${report}\n`);
  maxWarningsNote(findings, options);
  return exitCodeFor(findings, options);
}

/** The text of a file, or undefined (reported on stderr) when it cannot be read or decoded. */
async function loadText(item: RunFile, cwd: string): Promise<string | undefined> {
  if (item.skipped) return undefined;
  let bytes: Buffer;
  try {
    bytes = await readFile(item.file);
  } catch (error) {
    say(`cannot read ${displayPath(item.file, cwd)}: ${(error as Error).message}`);
    item.skipped = true;
    return undefined;
  }
  const decoded = decode(bytes);
  if ('problem' in decoded) {
    say(`skipped ${displayPath(item.file, cwd)}: ${decoded.problem}`);
    item.skipped = true;
    return undefined;
  }
  item.size = decoded.text.length;
  return decoded.text;
}

/** Runs `fn` over `items` with at most READ_CONCURRENCY at once, keeping the order of results. */
async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += READ_CONCURRENCY) {
    results.push(...(await Promise.all(items.slice(start, start + READ_CONCURRENCY).map(fn))));
  }
  return results;
}

async function resolveRunFiles(files: readonly string[], source: SettingsSource, options: CliOptions, cwd: string): Promise<RunFile[]> {
  const roots = new ProjectRoots();
  const resolved = await mapLimited(files, async (file): Promise<RunFile | undefined> => {
    const config = await source.settingsFor(file);
    if (config.excluded) return undefined;
    const isTypeScript = packForFile(file)?.id === 'typescript';
    return {
      file,
      shown: displayPath(file, cwd),
      settings: withCommandLineRules(config.settings, options.rules),
      group: isTypeScript ? ((await roots.rootOf(file)) ?? path.dirname(file)) : undefined,
      size: 0,
      contentHash: '',
      cacheKey: '',
      skipped: false,
    };
  });
  return resolved.filter((item): item is RunFile => item !== undefined);
}

/** Cache keys: tool, settings, content, and for project files every file of the project in the run. */
async function assignCacheKeys(runFiles: RunFile[], cwd: string): Promise<void> {
  await mapLimited(runFiles, async (item) => {
    const text = await loadText(item, cwd);
    if (text !== undefined) item.contentHash = hashText(text);
  });
  const tool = await toolFingerprint(packageJson.version, __filename);
  const projectHashes = new Map<string, string[]>();
  for (const item of runFiles) {
    if (item.group === undefined || item.skipped) continue;
    const list = projectHashes.get(item.group) ?? [];
    list.push(`${item.file}\u0000${item.contentHash}`);
    projectHashes.set(item.group, list);
  }
  const projectKeys = new Map<string, string>();
  for (const [group, list] of projectHashes) {
    const config = await Promise.all(
      ['tsconfig.json', 'jsconfig.json', 'package.json'].map((name) => readFile(path.join(group, name), 'utf8').catch(() => '')),
    );
    projectKeys.set(group, hashText([...list.sort(), ...config].join('\n')));
  }
  for (const item of runFiles) {
    const project = item.group === undefined ? '' : (projectKeys.get(item.group) ?? '');
    item.cacheKey = hashText([tool, stableStringify(item.settings), item.contentHash, project].join('\n'));
  }
}

async function analyzeAll(engine: Engine, pending: readonly RunFile[], options: CliOptions, cwd: string, onOutcome: (outcome: FileOutcome) => void): Promise<void> {
  const fix = fixMode(options);
  const threads = chooseThreads(options, pending.length);
  const toTask = async (item: RunFile): Promise<FileTask | undefined> => {
    const text = await loadText(item, cwd);
    return text === undefined ? undefined : { file: item.file, text, settings: item.settings, fix };
  };
  const planned = threads > 1 ? planChunks(pending) : [];
  // One chunk (a single TypeScript project, or few files) gains nothing from a worker.
  if (planned.length < 2) {
    for (let start = 0; start < pending.length; start += READ_CONCURRENCY) {
      const tasks = await mapLimited(pending.slice(start, start + READ_CONCURRENCY), toTask);
      for (const task of tasks) {
        if (task === undefined) continue;
        onOutcome(analyzeTask(engine, task));
        // Let the progress bar draw between files.
        if (process.stderr.isTTY === true) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return;
  }
  const chunks: Chunk[] = planned.map((members) => ({
    weight: members.length,
    load: async () => (await mapLimited(members, toTask)).filter((task): task is FileTask => task !== undefined),
  }));
  await runOnWorkers(chunks, threads, onOutcome);
}

async function checkFiles(engine: Engine, source: SettingsSource, options: CliOptions, cwd: string): Promise<number> {
  let files: string[];
  try {
    files = await collectFiles(options.paths, (file) => packForFile(file) !== undefined, options.excludes, cwd);
  } catch (error) {
    if (!(error instanceof UnreadablePathError)) throw error;
    say(error.message);
    return EXIT_USAGE;
  }
  files = files.filter((file) => inShard(path.relative(cwd, file), options.shard));

  const runFiles = await resolveRunFiles(files, source, options, cwd);
  const problem = source.problems()[0];
  if (problem !== undefined) {
    say(describeProblem(problem, cwd));
    return EXIT_USAGE;
  }

  const cache = options.cache ? await ResultCache.open(path.resolve(cwd, options.cacheLocation ?? defaultCacheLocation(cwd))) : undefined;
  if (cache !== undefined) await assignCacheKeys(runFiles, cwd);

  const byFile = new Map<string, FileFinding[]>();
  const pending: RunFile[] = [];
  for (const item of runFiles) {
    if (item.skipped) continue;
    const cached = cache?.get(item.file, item.cacheKey);
    // With --fix, a file whose findings carry fixes is analysed again (the cache holds no edits).
    if (cached !== undefined && !(options.fix && cached.some((f) => f.hasFix))) byFile.set(item.file, cached);
    else pending.push(item);
  }

  const progress = new Progress(pending.length, Progress.wanted(options.progress));
  const timings = options.timings ? new TimingTotals() : undefined;
  const writes: Promise<void>[] = [];
  const byPath = new Map(pending.map((item) => [item.file, item]));
  try {
    await analyzeAll(engine, pending, options, cwd, (outcome) => {
      progress.tick();
      timings?.add(outcome.timings);
      for (const message of outcome.internalErrors) say(`internal error: ${message}`);
      if (outcome.skipped !== undefined) say(`skipped ${displayPath(outcome.file, cwd)}: ${outcome.skipped}`);
      byFile.set(outcome.file, outcome.findings);
      const item = byPath.get(outcome.file);
      if (outcome.fixedText !== undefined) {
        writes.push(writeFile(outcome.file, outcome.fixedText, 'utf8'));
        // The fixed text is new content: its results are not stored under the old key.
        cache?.delete(outcome.file);
      } else if (item !== undefined) {
        cache?.set(item.file, item.cacheKey, outcome.findings);
      }
    });
  } finally {
    progress.stop();
  }
  if (timings !== undefined) say(timings.render());
  if ((globalThis as any).__mp) say([...(globalThis as any).__mp].sort((a: any, b: any) => b[1][1] - a[1][1]).slice(0, 30).map((x: any) => x[1][1].toFixed(0) + " " + x[1][0] + " " + x[0]).join("\n"));
  await Promise.all(writes);
  await cache?.save().catch((error: unknown) => say(`could not write the cache: ${String(error)}`));

  const checked = runFiles.filter((item) => !item.skipped);
  const findings: CliFinding[] = [];
  for (const item of [...checked].sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0))) {
    for (const f of byFile.get(item.file) ?? []) findings.push(toCliFinding(item.shown, f));
  }
  const report = render(findings, checked.length, options, engine, cwd, process.stdout);
  if (report !== '') process.stdout.write(`${report}\n`);
  maxWarningsNote(findings, options);
  return exitCodeFor(findings, options);
}

export async function run(argv: readonly string[], cwd: string): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${error.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_CLEAN;
  }
  if (options.version) {
    process.stdout.write(`${packageJson.version}\n`);
    return EXIT_CLEAN;
  }
  const engine = await Engine.create({ log: say });
  const unknownRules = Object.keys(options.rules).filter((id) => engine.rules.every((rule) => rule.id !== id));
  if (unknownRules.length > 0) {
    say(`unknown rule ${unknownRules.join(', ')} (known: ${engine.rules.map((r) => r.id).join(', ')})`);
    return EXIT_USAGE;
  }
  // Discovery stops at the cwd (as the editor's stops at the workspace folder).
  const source = await createSettingsSource({ roots: [cwd], configFile: options.config === undefined ? undefined : path.resolve(cwd, options.config) });
  if (!('settingsFor' in source)) {
    say(describeProblem(source, cwd));
    return EXIT_USAGE;
  }
  if (options.command === 'instructions') {
    const format = options.instructionsFormat ?? 'copilot';
    if (!isInstructionsFormat(format)) {
      say(`instructions --format must be one of ${INSTRUCTIONS_FORMATS.join(', ')}, not "${format}"`);
      return EXIT_USAGE;
    }
    const written = await runInstructions(engine, source, format, cwd);
    process.stdout.write(`${written.changed ? 'Wrote' : 'Unchanged:'} ${displayPath(written.file, cwd)}\n`);
    return EXIT_CLEAN;
  }
  return options.stdin ? checkStdin(engine, source, options, cwd) : checkFiles(engine, source, options, cwd);
}

if (isPoolWorker()) {
  runPoolWorker().catch((error: unknown) => {
    say(`worker failed to start: ${String(error)}`);
    process.exitCode = EXIT_USAGE;
  });
} else {
  run(process.argv.slice(2), process.cwd()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      say(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
