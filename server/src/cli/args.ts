import { isRuleLevel, type RuleLevel } from '../engine/settings';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface CliOptions {
  command: 'check' | 'instructions';
  paths: string[];
  format: OutputFormat;
  fix: boolean;
  unsafeFixes: boolean;
  rules: Record<string, RuleLevel>;
  excludes: string[];
  /** Exit 1 when more warnings than this are found (undefined: warnings never fail the run). */
  maxWarnings: number | undefined;
  config: string | undefined;
  stdin: boolean;
  stdinFilename: string | undefined;
  /** Worker threads; undefined: chosen from the number of files and cores. */
  threads: number | undefined;
  cache: boolean;
  cacheLocation: string | undefined;
  shard: Shard | undefined;
  /** Progress bar: undefined = automatic (only when stderr is a terminal). */
  progress: boolean | undefined;
  /** Print where the analysis time went (per phase and rule, summed over files) on stderr. */
  timings: boolean;
  /** For `instructions`: which flavour to write. */
  instructionsFormat: string | undefined;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: async-guardrails [check] [paths...] [options]
       async-guardrails --stdin --stdin-filename <name> [options] < file
       async-guardrails instructions [--format copilot|instructions]

Lints Python and TypeScript/JavaScript files for async mistakes. Directories are walked
recursively, honouring .gitignore and skipping node_modules, .venv, venv, dist and .git.
With no paths, the current directory is checked.

Options:
  --format <fmt>           text (default), json, sarif (SARIF 2.1.0) or github (workflow annotations)
  --fix                    apply safe fixes in place, then report what is left
  --unsafe-fixes           with --fix, also apply fixes that may change behaviour
  --rule <id>=<level>      set a rule to error, warning, info, hint or off (repeatable; wins over config)
  --config <file>          use this config file instead of discovering one per file
  --max-warnings <n>       exit 1 when more than n warnings are found
  --exclude <pattern>      skip paths matching a .gitignore-style pattern (repeatable)
  --stdin                  read the text to check from stdin (needs --stdin-filename);
                           with --fix, print the fixed text to stdout and the findings to stderr
  --stdin-filename <name>  the file name the stdin text is analysed as (language, config)
  --threads <n>            worker threads (default: chosen from the run's size; 1 = no workers)
  --cache                  reuse results of unchanged files from the previous run
  --cache-location <dir>   where the cache lives (default: node_modules/.cache/async-guardrails
                           when node_modules exists, else .async-guardrails-cache)
  --shard <i>/<n>          check only the i-th of n stable parts of the files (1-based), for CI matrices
  --progress, --no-progress  force the progress bar on stderr on or off (default: on a terminal only)
  --timings                print where the analysis time went, per phase and rule, on stderr
  -h, --help               show this help
  -v, --version            show the version

Exit codes: 0 no error-level findings, 1 error-level findings (or more warnings than
--max-warnings), 2 usage or config error, or unreadable path.`;

function positiveInteger(flag: string, text: string, allowZero: boolean): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} expects a whole number, got "${text}"`);
  const value = Number(text);
  if (!allowZero && value === 0) throw new UsageError(`${flag} must be at least 1`);
  return value;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (match === null) throw new UsageError(`--shard expects <i>/<n> (e.g. 2/4), got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: i must be between 1 and n`);
  return { index, count };
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    command: 'check',
    paths: [],
    format: 'text',
    fix: false,
    unsafeFixes: false,
    rules: {},
    excludes: [],
    maxWarnings: undefined,
    config: undefined,
    stdin: false,
    stdinFilename: undefined,
    threads: undefined,
    cache: false,
    cacheLocation: undefined,
    shard: undefined,
    progress: undefined,
    timings: false,
    instructionsFormat: undefined,
    help: false,
    version: false,
  };
  const args = [...argv];
  if (args[0] === 'check') args.shift();
  else if (args[0] === 'instructions') {
    args.shift();
    options.command = 'instructions';
  }
  let formatGiven: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--format':
        formatGiven = value();
        break;
      case '--fix':
        options.fix = true;
        break;
      case '--unsafe-fixes':
        options.unsafeFixes = true;
        break;
      case '--rule': {
        const spec = value();
        const match = /^([a-z0-9-]+)=(\w+)$/.exec(spec);
        if (match === null || !isRuleLevel(match[2])) throw new UsageError(`--rule expects <id>=<error|warning|info|hint|off>, got "${spec}"`);
        options.rules[match[1]] = match[2];
        break;
      }
      case '--exclude':
        options.excludes.push(value());
        break;
      case '--max-warnings':
        options.maxWarnings = positiveInteger(flag, value(), true);
        break;
      case '--config':
        options.config = value();
        break;
      case '--stdin':
        options.stdin = true;
        break;
      case '--stdin-filename':
        options.stdinFilename = value();
        break;
      case '--threads':
        options.threads = positiveInteger(flag, value(), false);
        break;
      case '--cache':
        options.cache = true;
        break;
      case '--cache-location':
        options.cacheLocation = value();
        options.cache = true;
        break;
      case '--shard':
        options.shard = parseShard(value());
        break;
      case '--progress':
        options.progress = true;
        break;
      case '--no-progress':
        options.progress = false;
        break;
      case '--timings':
        options.timings = true;
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      case '-v':
      case '--version':
        options.version = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        options.paths.push(arg);
    }
  }
  if (options.command === 'instructions') {
    options.instructionsFormat = formatGiven;
    return options;
  }
  if (formatGiven !== undefined) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(formatGiven)) {
      throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, not "${formatGiven}"`);
    }
    options.format = formatGiven as OutputFormat;
  }
  if (options.stdin) {
    if (options.stdinFilename === undefined) throw new UsageError('--stdin needs --stdin-filename <name> (the language and config are taken from it)');
    if (options.paths.length > 0) throw new UsageError('--stdin takes no paths');
  } else if (options.stdinFilename !== undefined) {
    throw new UsageError('--stdin-filename only goes with --stdin');
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}
