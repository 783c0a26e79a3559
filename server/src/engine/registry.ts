import allRules from 'discover:rules';
import type { RuleMeta } from './rule';

/** Every rule the product has, by id. Rules are discovered, never listed by hand. */
export class RuleRegistry {
  private readonly byId = new Map<string, RuleMeta>();

  constructor(rules: readonly RuleMeta[]) {
    for (const rule of rules) {
      if (this.byId.has(rule.id)) throw new Error(`duplicate rule id "${rule.id}"`);
      this.byId.set(rule.id, rule);
    }
  }

  get(id: string): RuleMeta | undefined {
    return this.byId.get(id);
  }

  all(): RuleMeta[] {
    return [...this.byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  }
}

export const registry = new RuleRegistry(allRules);
