import { isRuleLevel, type RuleLevel } from '../engine/settings';

export type OutputFormat = 'text' | 'json';

export interface CliOptions {
  paths: string[];
  format: OutputFormat;
  fix: boolean;
  unsafeFixes: boolean;
  rules: Record<string, RuleLevel>;
  excludes: string[];
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: async-guardrails [check] [paths...] [options]

Lints Python and TypeScript/JavaScript files for async mistakes. Directories are walked
recursively, honouring .gitignore and skipping node_modules, .venv, venv, dist and .git.
With no paths, the current directory is checked.

Options:
  --format <text|json>   output format (default: text)
  --fix                  apply safe fixes in place, then report what is left
  --unsafe-fixes         with --fix, also apply fixes that may change behaviour
  --rule <id>=<level>    set a rule to error, warning, info, hint or off (repeatable)
  --exclude <pattern>    skip paths matching a .gitignore-style pattern (repeatable)
  -h, --help             show this help
  -v, --version          show the version

Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage error or unreadable path.`;

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    paths: [],
    format: 'text',
    fix: false,
    unsafeFixes: false,
    rules: {},
    excludes: [],
    help: false,
    version: false,
  };
  const args = [...argv];
  if (args[0] === 'check') args.shift();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--format': {
        const format = value();
        if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
        options.format = format;
        break;
      }
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
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}
