import type { Connection } from 'vscode-languageserver/node';
import { expandRuleLevels } from '../config';
import { isRuleLevel, type EngineSettings, type RuleLevel } from '../engine/settings';
import { DEFAULT_SETTINGS, SECTION, type ResourceSettings } from './protocol';

/**
 * Settings are asked for per resource (`workspace/configuration`) and cached by URI; a
 * configuration change clears the cache. Clients without `workspace/configuration` get defaults.
 */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<ResourceSettings>>();
  private generationCounter = 0;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
    private readonly warn: (message: string) => void,
  ) {}

  /** Changes whenever the cache is cleared; part of every diagnostic result id. */
  get generation(): number {
    return this.generationCounter;
  }

  clear(): void {
    this.cache.clear();
    this.generationCounter++;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  get(uri: string): Promise<ResourceSettings> {
    let pending = this.cache.get(uri);
    if (pending === undefined) {
      pending = this.fetch(uri);
      this.cache.set(uri, pending);
    }
    return pending;
  }

  private async fetch(uri: string): Promise<ResourceSettings> {
    if (!this.canPull()) return DEFAULT_SETTINGS;
    try {
      const raw: unknown = await this.connection.workspace.getConfiguration({ scopeUri: uri, section: SECTION });
      return this.normalise(raw);
    } catch (error) {
      this.warn(`could not read settings for ${uri}: ${String(error)}`);
      return DEFAULT_SETTINGS;
    }
  }

  /** Keeps what is valid, reports what is not, never throws. */
  private normalise(raw: unknown): ResourceSettings {
    if (typeof raw !== 'object' || raw === null) return DEFAULT_SETTINGS;
    const value = raw as Record<string, unknown>;
    const rules: Record<string, RuleLevel> = {};
    if (typeof value.rules === 'object' && value.rules !== null) {
      for (const [id, level] of Object.entries(value.rules as Record<string, unknown>)) {
        if (isRuleLevel(level)) rules[id] = level;
        else this.warn(`setting ${SECTION}.rules.${id}: "${String(level)}" is not one of error, warning, info, hint, off`);
      }
    }
    const fixAll = typeof value.fixAll === 'object' && value.fixAll !== null ? (value.fixAll as Record<string, unknown>) : {};
    const fixAllRules = Array.isArray(fixAll.rules) && fixAll.rules.every((r) => typeof r === 'string') ? (fixAll.rules as string[]) : DEFAULT_SETTINGS.fixAllRules;
    const budget = value.timeBudgetMs;
    return {
      enable: typeof value.enable === 'boolean' ? value.enable : DEFAULT_SETTINGS.enable,
      run: value.run === 'onSave' ? 'onSave' : 'onType',
      rules,
      workspaceDiagnostics: value.workspaceDiagnostics === true,
      fixAllRules,
      timeBudgetMs: typeof budget === 'number' && Number.isFinite(budget) && budget > 0 ? budget : DEFAULT_SETTINGS.timeBudgetMs,
    };
  }
}

/**
 * The settings the engine gets for a file: its config file's (rules, options, preview, project
 * facts), with the editor's `rules` setting overriding per rule (ids or globs).
 */
export function engineSettings(settings: ResourceSettings, fromConfig: EngineSettings = {}): EngineSettings {
  const editorRules: Record<string, RuleLevel> = {};
  for (const [id, level] of Object.entries(settings.rules)) if (isRuleLevel(level)) editorRules[id] = level;
  return { ...fromConfig, rules: { ...fromConfig.rules, ...expandRuleLevels(editorRules) } };
}
