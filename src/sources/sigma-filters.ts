import type { Diagnostic } from "../core/diagnostic.ts";
import type { SigmaQueryData } from "../languages/sigma/types.ts";
import type { SigmaRule } from "./sigma.ts";

/**
 * A Sigma filter document: its `filter:` section adds a condition, usually
 * an exclusion such as `not selection`, to the rules it names by id or by
 * `name`, or to every rule whose log source matches when `rules` is `any`.
 */
export interface SigmaFilter {
  id: string;
  title: string;
  name?: string;
  rules: string[] | "any";
  logsource: Record<string, string>;
  /** The `filter:` section's source text. */
  text: string;
  file: string;
  line: number;
  column: number;
}

/**
 * Appends each filter's section to the query of every rule it names, so the
 * analyser ANDs the filter's condition (`not selection`) to the rule. Returns a warning for
 * each rule name a filter gives that no rule has.
 */
export function applyFilters(
  rules: SigmaRule[],
  filters: SigmaFilter[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map<string, SigmaRule[]>();
  for (const rule of rules) {
    for (const key of [rule.record.id, rule.name]) {
      if (!key) continue;
      const list = byKey.get(key) ?? [];
      list.push(rule);
      byKey.set(key, list);
    }
  }

  for (const filter of filters) {
    const targets = new Set<SigmaRule>();
    if (filter.rules === "any") {
      for (const rule of rules)
        if (logsourceMatches(filter, rule)) targets.add(rule);
    } else {
      for (const key of filter.rules) {
        const found = byKey.get(key);
        if (!found) {
          diagnostics.push({
            severity: "warning",
            code: "sigma-filter-rule-unknown",
            message: `filter "${filter.title}" names rule \`${key}\`, which is not in the repository`,
            file: filter.file,
            line: filter.line,
            column: filter.column,
            ruleId: filter.id,
            ruleTitle: filter.title,
          });
          continue;
        }
        for (const rule of found) targets.add(rule);
      }
    }
    for (const rule of targets) appendFilter(rule, filter);
  }
  return diagnostics;
}

function appendFilter(rule: SigmaRule, filter: SigmaFilter): void {
  const data = rule.record.queryData as SigmaQueryData | undefined;
  if (!data || data.kind !== "rule") return;
  const start = rule.record.query.length + 1;
  rule.record.query += `\n${filter.text}`;
  data.sections.push({
    role: "filter",
    start,
    end: start + filter.text.length,
    title: filter.title,
    id: filter.id,
  });
}

/** Checks whether a `rules: any` filter applies: each log source key it sets must be equal. */
function logsourceMatches(filter: SigmaFilter, rule: SigmaRule): boolean {
  const logsource = rule.record.logsource;
  if (!logsource || rule.record.type === "correlation") return false;
  return Object.entries(filter.logsource).every(
    ([key, value]) =>
      (logsource as Record<string, string | undefined>)[key] === value,
  );
}
