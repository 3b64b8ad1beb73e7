import type { CompiledSet } from "./compile.ts";
import { type CompiledRule, compileRule } from "./compile.ts";
import type { RuleVersion } from "./model.ts";

export interface CachedSet {
  ruleSetId: string;
  compiled: CompiledSet;
  /** The facts the set declares (its catalog): any other fact is refused. */
  declared: ReadonlySet<string>;
}

interface Entry {
  value: CachedSet;
  expiresAt: number;
}

const MAX_VERSIONS = 20_000;

/**
 * Compiled rule sets per tenant, and compiled rule versions by id (immutable, so never stale).
 * A change invalidates the set locally at once; other replicas call `invalidate` from the
 * vextrus.rules.rule.* consumer. A generation counter stops a load that raced a change from
 * caching the old rules.
 */
export class RuleSetCache {
  private readonly sets = new Map<string, Entry>();
  private readonly generations = new Map<string, number>();
  private readonly versions = new Map<string, CompiledRule>();
  private readonly ttlMs: number;
  /** Called once per version actually compiled (the metrics hook). */
  onCompile: () => void = () => {};

  constructor(options: { ttlMs: number }) {
    this.ttlMs = options.ttlMs;
  }

  private static key = (tenantId: string, ruleSet: string) => `${tenantId}\u0000${ruleSet}`;

  get(tenantId: string, ruleSet: string, now = Date.now()): CachedSet | undefined {
    const entry = this.sets.get(RuleSetCache.key(tenantId, ruleSet));
    if (!entry || entry.expiresAt <= now) {
      return undefined;
    }
    return entry.value;
  }

  generation(tenantId: string, ruleSet: string): number {
    return this.generations.get(RuleSetCache.key(tenantId, ruleSet)) ?? 0;
  }

  /** Stores a set loaded at `generation`; ignored if a change came in meanwhile. */
  set(tenantId: string, ruleSet: string, generation: number, value: CachedSet): void {
    const key = RuleSetCache.key(tenantId, ruleSet);
    if ((this.generations.get(key) ?? 0) !== generation) {
      return;
    }
    this.sets.set(key, { value, expiresAt: Date.now() + this.ttlMs });
  }

  /** Forgets a tenant's compiled rule set: the next evaluation reloads it. */
  invalidate(tenantId: string, ruleSet: string): void {
    const key = RuleSetCache.key(tenantId, ruleSet);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.sets.delete(key);
  }

  /** The compiled form of one immutable version, compiled at most once while it stays cached. */
  compiled(version: RuleVersion): CompiledRule {
    const hit = this.versions.get(version.id);
    if (hit) {
      return hit;
    }
    const compiled = compileRule(version);
    this.onCompile();
    if (this.versions.size >= MAX_VERSIONS) {
      const oldest = this.versions.keys().next();
      if (!oldest.done) {
        this.versions.delete(oldest.value);
      }
    }
    this.versions.set(version.id, compiled);
    return compiled;
  }
}
