import type { Analysis, PredicateKind } from "../analysis/model.ts";
import type { SourceKind } from "../core/rule.ts";
import type { IndicatorCount } from "./entry.ts";

interface RuleIndicators {
  slug: string;
  source: SourceKind;
  analysis: Pick<Analysis, "predicates" | "searchTerms" | "logic">;
}

/** One thing a rule looks for, before counting. */
interface Indicator {
  key: string;
  field: string;
  canonicalField?: string;
  kind: PredicateKind;
  value: string;
  encodings?: string[];
}

/**
 * Counts, for every indicator of every rule, how many other rules in the
 * catalog look for the same field, kind and value. Indicators are field
 * predicates the rule matches (not exclusions, not thresholds) and the
 * bare search terms its logic tests. Membership in an `in` list counts as
 * equality, the field is the canonical name where one is known, and values
 * compare case-insensitively unless the predicate is case-sensitive, so
 * `Image|endswith: '\x.exe'` in Sigma and `Image="*\\x.exe"` in SPL meet
 * on one key.
 */
export function countIndicators(
  rules: readonly RuleIndicators[],
): Map<string, IndicatorCount[]> {
  const indicatorsBySlug = new Map<string, Indicator[]>();
  const holders = new Map<string, Map<string, SourceKind>>();
  for (const rule of rules) {
    const indicators = listIndicators(rule.analysis);
    indicatorsBySlug.set(rule.slug, indicators);
    for (const { key } of indicators) {
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
    const counts = (indicatorsBySlug.get(rule.slug) ?? []).map((indicator) => {
      const bySource: Partial<Record<SourceKind, number>> = {};
      let others = 0;
      for (const [slug, source] of holders.get(indicator.key) ?? []) {
        if (slug === rule.slug) continue;
        others++;
        bySource[source] = (bySource[source] ?? 0) + 1;
      }
      const { key: _key, ...shown } = indicator;
      return { ...shown, others, bySource };
    });
    result.set(rule.slug, counts);
  }
  return result;
}

/** Lists a rule's indicators once each, predicates first, then search terms. */
function listIndicators(analysis: RuleIndicators["analysis"]): Indicator[] {
  const indicators: Indicator[] = [];
  const seen = new Set<string>();
  const add = (indicator: Indicator) => {
    if (seen.has(indicator.key)) return;
    seen.add(indicator.key);
    indicators.push(indicator);
  };

  for (const predicate of analysis.predicates) {
    if (predicate.role !== "indicator") continue;
    const field = predicate.canonicalField ?? predicate.field;
    const kind: PredicateKind = predicate.kind === "in" ? "eq" : predicate.kind;
    const values = predicate.values.length > 0 ? predicate.values : [""];
    for (const value of values) {
      const shown = predicate.caseSensitive ? value : value.toLowerCase();
      const encodings = predicate.encodings ?? [];
      add({
        key: `${field.toLowerCase()}\u0000${kind}\u0000${shown}\u0000${encodings.join(",")}`,
        field: predicate.field,
        canonicalField: predicate.canonicalField,
        kind: predicate.kind,
        value,
        ...(encodings.length > 0 ? { encodings } : {}),
      });
    }
  }

  // A term the analyser also read as a predicate (TERM(EventCode=4103), an
  // XML event id) is represented by that predicate in the logic tree, so
  // only terms the tree itself tests are counted.
  for (const index of termsInLogic(analysis.logic)) {
    const term = analysis.searchTerms[index];
    if (term === undefined || term.role !== "indicator") continue;
    const shown =
      term.directive === "CASE" ? term.text : term.text.toLowerCase();
    // A wildcard term (`*x*`) searches for a substring, not the whole term,
    // so its match kind is part of what it looks for.
    const kind = term.match ?? "term";
    add({
      key: `\u0000${kind}\u0000${shown}`,
      field: "",
      kind,
      value: term.text,
    });
  }
  return indicators;
}

/** Indexes of the search terms a logic tree tests, walked without recursion. */
function termsInLogic(root: Analysis["logic"]): number[] {
  const indexes: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === "term") indexes.push(node.index);
    else if (node.type === "and" || node.type === "or")
      pending.push(...[...node.children].reverse());
    else if (node.type === "not") pending.push(node.child);
  }
  return indexes;
}
