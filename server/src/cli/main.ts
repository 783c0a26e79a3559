// The command-line interface: the same engine as the editor, over files and folders.
import { readFile, writeFile } from 'node:fs/promises';
import packageJson from '../../../package.json';
import { Engine, packForFile } from '../engine/engine';
import { parseArgs, USAGE, UsageError, type CliOptions } from './args';
import { formatText, toCliFindings, type CliFinding } from './report';
import { collectFiles, UnreadablePathError } from './walk';

const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_USAGE = 2;

/** Files whose first bytes hold a NUL are binary, whatever their extension says. */
function looksBinary(text: string): boolean {
  return text.slice(0, 8000).includes('\u0000');
}

async function checkFile(engine: Engine, file: string, options: CliOptions, cwd: string): Promise<CliFinding[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    process.stderr.write(`async-guardrails: cannot read ${file}: ${(error as Error).message}\n`);
    return [];
  }
  if (looksBinary(text)) {
    process.stderr.write(`async-guardrails: skipped ${file}: binary content\n`);
    return [];
  }
  const settings = { rules: options.rules };
  if (options.fix) {
    const fixed = engine.fixAll({ text, fileName: file, settings }, { unsafe: options.unsafeFixes });
    if (fixed.text !== text) {
      await writeFile(file, fixed.text, 'utf8');
      text = fixed.text;
    }
  }
  const result = engine.analyze({ text, fileName: file, settings });
  for (const message of result.internalErrors) process.stderr.write(`async-guardrails: internal error: ${message}\n`);
  return toCliFindings(file, result, cwd);
}

export async function run(argv: readonly string[], cwd: string): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`async-guardrails: ${error.message}\n${USAGE}\n`);
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

  const engine = await Engine.create({ log: (message) => process.stderr.write(`async-guardrails: ${message}\n`) });
  const unknownRules = Object.keys(options.rules).filter((id) => engine.rules.every((rule) => rule.id !== id));
  if (unknownRules.length > 0) {
    process.stderr.write(`async-guardrails: unknown rule ${unknownRules.join(', ')} (known: ${engine.rules.map((r) => r.id).join(', ')})\n`);
    return EXIT_USAGE;
  }
  let files: string[];
  try {
    files = await collectFiles(options.paths, (file) => packForFile(file) !== undefined, options.excludes, cwd);
  } catch (error) {
    if (!(error instanceof UnreadablePathError)) throw error;
    process.stderr.write(`async-guardrails: ${error.message}\n`);
    return EXIT_USAGE;
  }

  const findings: CliFinding[] = [];
  for (const file of files) findings.push(...(await checkFile(engine, file, options, cwd)));

  process.stdout.write(options.format === 'json' ? `${JSON.stringify(findings, null, 2)}\n` : `${formatText(findings, files.length)}\n`);
  return findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_CLEAN;
}

run(process.argv.slice(2), process.cwd()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`async-guardrails: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
