// Config discovery and parsing for the language server and the CLI (no `vscode` import).
export { ConfigResolver, matchesExclude, type ConfigResolverOptions, type ResolvedSettings } from './resolver';
export { expandRuleLevels, lowestPythonVersion, parseConfigFile, parseTargetVersion, validateSection } from './parse';
export { CONFIG_FILE_NAMES, PYTEST_FILE_NAMES, WATCHED_CONFIG_NAMES, type ConfigData, type ConfigProblem, type ParsedFile } from './types';
