import type { SigmaRule } from "./sigma.ts";

/**
 * Reports correlation rules that refer to themselves or to each other in a
 * cycle, by id or `name`. Such a correlation can never be evaluated, since
 * each of its rules waits for another. Diagnostics go on the rule records.
 */
export function checkCorrelationCycles(rules: SigmaRule[]): void {
  const correlations = rules.filter((rule) => rule.correlates !== undefined);
  if (correlations.length === 0) return;

  const byKey = new Map<string, SigmaRule[]>();
  for (const rule of correlations) {
    for (const key of new Set([rule.record.id, rule.name])) {
      if (!key) continue;
      byKey.set(key, [...(byKey.get(key) ?? []), rule]);
    }
  }
  const next = (rule: SigmaRule): SigmaRule[] =>
    (rule.correlates?.rules ?? []).flatMap((key) => byKey.get(key) ?? []);

  for (const rule of correlations) {
    const path = cycleFrom(rule, next);
    if (!path) continue;
    const names = path.map((step) => step.name ?? step.record.id);
    const message =
      path.length === 1
        ? "correlation names itself under `rules`, so it can never match; name the base rules instead"
        : `correlations name each other in a cycle (${[...names, names[0]].join(" -> ")}), so none can match; name the base rules instead`;
    rule.record.diagnostics.push({
      severity: "error",
      code: "sigma-correlation-cycle",
      message,
      file: rule.record.file,
      line: rule.correlates!.line,
      column: rule.correlates!.column,
      ruleId: rule.record.id,
      ruleTitle: rule.record.title,
    });
  }
}

/**
 * Returns a shortest path of correlations from `start` back to itself, or
 * undefined when there is none. Searches breadth first, without recursion.
 */
function cycleFrom(
  start: SigmaRule,
  next: (rule: SigmaRule) => SigmaRule[],
): SigmaRule[] | undefined {
  const parent = new Map<SigmaRule, SigmaRule>();
  const queue: SigmaRule[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head];
    for (const target of next(current)) {
      if (target === start) {
        const path = [current];
        while (path[0] !== start) path.unshift(parent.get(path[0])!);
        return path;
      }
      if (parent.has(target)) continue;
      parent.set(target, current);
      queue.push(target);
    }
  }
  return undefined;
}

/**
 * Reports correlation rules that name a rule no document of the repository
 * has, by id or `name`. Only a whole repository can tell, so reading one
 * file does not check this.
 */
export function checkCorrelationReferences(rules: SigmaRule[]): void {
  const keys = new Set<string>();
  for (const rule of rules) {
    if (rule.record.id) keys.add(rule.record.id);
    if (rule.name) keys.add(rule.name);
  }
  for (const rule of rules) {
    const missing = (rule.correlates?.rules ?? []).filter(
      (key) => !keys.has(key),
    );
    if (missing.length === 0) continue;
    rule.record.diagnostics.push({
      severity: "warning",
      code: "sigma-correlation-rule-unknown",
      message: `correlation names ${missing.map((key) => `\`${key}\``).join(", ")}, which no rule in the repository has as id or name`,
      file: rule.record.file,
      line: rule.correlates!.line,
      column: rule.correlates!.column,
      ruleId: rule.record.id,
      ruleTitle: rule.record.title,
    });
  }
}
