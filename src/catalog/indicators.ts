import type { Predicate, PredicateKind } from "../analysis/model.ts";
import type { SourceKind } from "../core/rule.ts";
import type { IndicatorCount } from "./entry.ts";

interface RuleIndicators {
  slug: string;
  source: SourceKind;
  predicates: readonly Predicate[];
}

/**
 * Counts, for every indicator of every rule, how many other rules in the
 * catalog look for the same field, kind and value. Membership in an `in`
 * list counts as equality, the field is the canonical name where one is
 * known, and values compare case-insensitively unless the predicate is
 * case-sensitive, so `Image|endswith` and `Processes.process_name` rules
 * meet on one key.
 */
export function countIndicators(
  rules: readonly RuleIndicators[],
): Map<string, IndicatorCount[]> {
  const holders = new Map<string, Map<string, SourceKind>>();
  for (const rule of rules) {
    for (const [key] of indicatorKeys(rule.predicates)) {
      let bySlug = holders.get(key);
      if (bySlug === undefined) {
        bySlug = new Map();
        holders.set(key, bySlug);
      }
      bySlug.set(rule.slug, rule.source);
    }
  }

  const result = new Map<string, IndicatorCount[]>();
  for (const rule of rules) {
    const counts: IndicatorCount[] = [];
    for (const [key, predicate, value] of indicatorKeys(rule.predicates)) {
      const bySource: Partial<Record<SourceKind, number>> = {};
      let others = 0;
      for (const [slug, source] of holders.get(key) ?? []) {
        if (slug === rule.slug) continue;
        others++;
        bySource[source] = (bySource[source] ?? 0) + 1;
      }
      counts.push({
        field: predicate.field,
        canonicalField: predicate.canonicalField,
        kind: predicate.kind,
        value,
        others,
        bySource,
      });
    }
    result.set(rule.slug, counts);
  }
  return result;
}

/** Yields one key per indicator value, without repeats within a rule. */
function* indicatorKeys(
  predicates: readonly Predicate[],
): Generator<[string, Predicate, string]> {
  const seen = new Set<string>();
  for (const predicate of predicates) {
    if (predicate.role !== "indicator") continue;
    const values = predicate.values.length > 0 ? predicate.values : [""];
    for (const value of values) {
      const key = indicatorKey(predicate, value);
      if (seen.has(key)) continue;
      seen.add(key);
      yield [key, predicate, value];
    }
  }
}

function indicatorKey(predicate: Predicate, value: string): string {
  const field = (predicate.canonicalField ?? predicate.field).toLowerCase();
  const kind: PredicateKind = predicate.kind === "in" ? "eq" : predicate.kind;
  const shown = predicate.caseSensitive ? value : value.toLowerCase();
  return `${field}\u0000${kind}\u0000${shown}`;
}
