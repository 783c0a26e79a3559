// `async-guardrails instructions [--format copilot|instructions]`: writes the guide's do/don't
// lines for AI coding assistants into the repository (the same writer as the editor's command),
// for the rules in force at the current folder and the languages present under it.
import * as path from 'node:path';
import { packForFile, type Engine } from '../engine/engine';
import type { PackId } from '../engine/types';
import { rulesToInstruct, writeInstructions, type InstructionsFormat } from '../instructions';
import type { SettingsSource } from './settingsSource';
import { collectFiles } from './walk';

export const INSTRUCTIONS_FORMATS: readonly InstructionsFormat[] = ['copilot', 'instructions'];

export function isInstructionsFormat(value: string): value is InstructionsFormat {
  return (INSTRUCTIONS_FORMATS as readonly string[]).includes(value);
}

async function languagesUnder(root: string): Promise<PackId[]> {
  const files = await collectFiles([root], (file) => packForFile(file) !== undefined, [], root).catch(() => [] as string[]);
  const found = new Set<PackId>();
  for (const file of files) {
    const pack = packForFile(file);
    if (pack !== undefined) found.add(pack.id);
    if (found.size === 2) break;
  }
  return [...found];
}

export async function runInstructions(engine: Engine, source: SettingsSource, format: InstructionsFormat, cwd: string): Promise<{ file: string; changed: boolean }> {
  const { settings } = await source.settingsFor(path.join(cwd, 'instructions-probe'));
  const languages = await languagesUnder(cwd);
  return writeInstructions({ root: cwd, format, rules: rulesToInstruct(engine.rules, settings, languages), languages });
}
