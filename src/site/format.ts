import type { IndicatorCount, TechniqueRef } from "../catalog/entry.ts";
import type { Diagnostic } from "../core/diagnostic.ts";
import { SOURCE_KINDS, type SourceKind } from "../core/rule.ts";

const SOURCE_LABELS = new Map<string, string>([
  ["armory", "Anvilogic armory"],
  ["splunk", "Splunk security_content"],
  ["sigma", "Sigma"],
] satisfies [SourceKind, string][]);

/** Name of a source kind as pages show it. */
export function sourceLabel(source: string): string {
  return SOURCE_LABELS.get(source) ?? source;
}

/** Source kinds in display order: the known kinds first, then others by name. */
export function orderSources(sources: Iterable<string>): string[] {
  const known = SOURCE_KINDS as readonly string[];
  return [...new Set(sources)].sort((a, b) => {
    const rankA = known.includes(a) ? known.indexOf(a) : known.length;
    const rankB = known.includes(b) ? known.indexOf(b) : known.length;
    return rankA - rankB || a.localeCompare(b);
  });
}

/** Formats a corpus count as `corpus 12 (splunk 9, armory 3)`. */
export function formatCorpusCount(indicator: IndicatorCount): string {
  const parts = Object.entries(indicator.bySource)
    .filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([source, count]) => `${source} ${count}`);
  if (indicator.others === 0) return "corpus 0 (only this rule)";
  if (parts.length === 0) return `corpus ${indicator.others}`;
  return `corpus ${indicator.others} (${parts.join(", ")})`;
}

const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;

/** Returns whether a value is a decimal number, which then sorts as one. */
export function isNumeric(value: string): boolean {
  return NUMBER.test(value.trim());
}

/**
 * Groups indicator rows by field and kind, in order of first appearance.
 * Within a group whose values are all numbers, rows are sorted by number,
 * so port 443 comes after port 80. Other groups keep the rule's order.
 */
export function groupIndicators(
  indicators: readonly IndicatorCount[],
): IndicatorCount[][] {
  const groups = new Map<string, IndicatorCount[]>();
  for (const indicator of indicators) {
    const key = JSON.stringify([indicator.field, indicator.kind]);
    const group = groups.get(key) ?? [];
    group.push(indicator);
    groups.set(key, group);
  }

  return [...groups.values()].map((group) => {
    if (!group.every((indicator) => isNumeric(indicator.value))) return group;
    return [...group].sort((a, b) => Number(a.value) - Number(b.value));
  });
}

/**
 * Orders the tactics of several techniques. Each technique lists its
 * tactics in ATT&CK matrix order, so their union is merged keeping every
 * such order. Ties keep the order of first appearance.
 */
export function orderTactics(techniques: readonly TechniqueRef[]): string[] {
  const firstSeen: string[] = [];
  const before = new Map<string, Set<string>>();
  for (const technique of techniques) {
    technique.tactics.forEach((tactic, i) => {
      if (!before.has(tactic)) {
        before.set(tactic, new Set());
        firstSeen.push(tactic);
      }
      for (const earlier of technique.tactics.slice(0, i)) {
        if (earlier !== tactic) before.get(tactic)!.add(earlier);
      }
    });
  }

  const ordered: string[] = [];
  const remaining = [...firstSeen];
  while (remaining.length > 0) {
    // A cycle cannot come from matrix-ordered lists, but bad data must not
    // hang the build, so it falls back to the first remaining tactic.
    const ready =
      remaining.find((tactic) =>
        [...before.get(tactic)!].every((earlier) => ordered.includes(earlier)),
      ) ?? remaining[0];
    ordered.push(ready);
    remaining.splice(remaining.indexOf(ready), 1);
  }
  return ordered;
}

/**
 * Returns the stage number a page shows. Stage indexes in the analysis
 * model count from 0, and pages count stages from 1.
 */
export function stageNumber(index: number): number {
  return index + 1;
}

/** Formats a technique as `T1046 Network Service Discovery`. */
export function techniqueLabel(technique: TechniqueRef): string {
  return technique.name ? `${technique.id} ${technique.name}` : technique.id;
}

/**
 * Formats where a diagnostic points: `line:column` in the rule file when
 * known, else `query line:column` for a position inside the query text.
 */
export function diagnosticLocation(diagnostic: Diagnostic): string {
  if (diagnostic.line !== undefined) {
    const column =
      diagnostic.column !== undefined ? `:${diagnostic.column}` : "";
    return `${diagnostic.line}${column}`;
  }
  if (diagnostic.span) {
    return `query ${diagnostic.span.line}:${diagnostic.span.column}`;
  }
  return "no position";
}
