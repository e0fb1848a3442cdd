import type { Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord } from "../core/rule.ts";
import { findLanguage, type MacroLibrary } from "../languages/registry.ts";
import { emptyAnalysis, type Analysis } from "./model.ts";

/**
 * Analyses one rule's query with the analyser of its language. Every
 * diagnostic that comes back names the rule and points into the rule file:
 * query positions are moved by the line where the query starts.
 */
export function analyseRule(rule: RuleRecord, macros?: MacroLibrary): Analysis {
  const language =
    rule.language === undefined ? undefined : findLanguage(rule.language);
  let analysis: Analysis;
  if (language === undefined) {
    analysis = emptyAnalysis(rule.language ?? "none");
    if (rule.language !== undefined) {
      analysis.diagnostics.push({
        severity: "info",
        code: "language-not-analysed",
        message: `The ${rule.language} query language is not analysed yet, so this rule shows its query text only.`,
      });
    }
  } else {
    const result = language.analyse({
      query: rule.query,
      queryData: rule.queryData,
      macros,
    });
    analysis = result.value;
    analysis.diagnostics = result.diagnostics;
  }
  analysis.diagnostics = analysis.diagnostics.map((diagnostic) =>
    placeInFile(diagnostic, rule),
  );
  rule.diagnostics = rule.diagnostics.map((diagnostic) =>
    nameRule(diagnostic, rule),
  );
  return analysis;
}

function nameRule(diagnostic: Diagnostic, rule: RuleRecord): Diagnostic {
  return {
    ...diagnostic,
    file: diagnostic.file ?? rule.file,
    ruleId: diagnostic.ruleId ?? rule.id,
    ruleTitle: diagnostic.ruleTitle ?? rule.displayTitle,
  };
}

/**
 * Moves a query-relative position into the rule file. The line is exact
 * for block scalars; a query written as a folded or quoted YAML scalar may
 * be reflowed, so there the line is the nearest the file allows.
 */
function placeInFile(diagnostic: Diagnostic, rule: RuleRecord): Diagnostic {
  const placed = nameRule(diagnostic, rule);
  if (diagnostic.line !== undefined || diagnostic.span === undefined)
    return placed;
  const firstLine = rule.queryLine ?? 1;
  return {
    ...placed,
    line: firstLine + diagnostic.span.line - 1,
    column: diagnostic.span.column,
  };
}
