import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatAnalysisText } from "../analysis/format-text.ts";
import { analyseRule } from "../analysis/analyse-rule.ts";
import { enrichRule } from "../catalog/enrich.ts";
import { formatDiagnostic, hasErrors } from "../core/diagnostic.ts";
import type { RuleRecord, SourceKind } from "../core/rule.ts";
import {
  findLanguage,
  listLanguages,
  type MacroLibrary,
} from "../languages/registry.ts";
import { readRuleFile } from "../sources/index.ts";
import { readSigmaText } from "../sources/sigma.ts";
import { repositoryRootOf } from "../sources/splunk.ts";
import { loadMacroDirectory } from "../languages/spl/macros.ts";

export interface ExplainOptions {
  language?: string;
  source?: SourceKind;
  macros?: MacroLibrary;
  json?: boolean;
}

/**
 * Analyses one rule file, or a query on standard input when `file` is `-`,
 * and writes the analysis to standard output. Returns the exit code: 1 when
 * the input could not be read or has error diagnostics, else 0.
 */
export function runExplain(
  file: string,
  options: ExplainOptions,
  output: (text: string) => void = (text) => process.stdout.write(text),
): number {
  const rules =
    file === "-"
      ? ruleFromStandardInput(options.language)
      : readRules(file, options.source, output);
  if (rules === undefined) return 1;
  let failed = false;
  for (const rule of rules) {
    const analysis = analyseRule(
      rule,
      options.macros ?? repositoryMacros(rule),
    );
    const { techniques, events } = enrichRule(rule, analysis);
    const diagnostics = [...rule.diagnostics, ...analysis.diagnostics];
    failed ||= hasErrors(diagnostics);
    if (options.json) {
      output(
        JSON.stringify(
          { rule: ruleHeader(rule), techniques, events, analysis },
          null,
          2,
        ) + "\n",
      );
      continue;
    }
    const lines = [
      `${rule.displayTitle}`,
      `  file: ${rule.file}`,
      `  id: ${rule.id || "(none)"}`,
    ];
    if (rule.language) lines.push(`  language: ${rule.language}`);
    // Analysis positions count from the start of the query text, which is
    // not the start of the file for a query embedded in YAML.
    const start =
      rule.queryLine === undefined
        ? ""
        : ` (the query starts at line ${rule.queryLine} of the file)`;
    lines.push(
      `  positions: line:column within the query${start}; diagnostics give file positions`,
    );
    for (const technique of techniques) {
      const flag = technique.status
        ? ` (${technique.status}: declared ${technique.declaredId})`
        : "";
      lines.push(
        `  ATT&CK: ${technique.tactics.join(", ") || "no tactic"} / ${technique.id} ${technique.name}${flag}`,
      );
    }
    for (const event of events) {
      lines.push(
        `  event: ${[event.provider, event.eventId, event.title].filter((part) => part !== undefined).join(" ")} (${event.reason})`,
      );
    }
    for (const diagnostic of rule.diagnostics)
      lines.push(`  ${formatDiagnostic(diagnostic)}`);
    output(`${lines.join("\n")}\n\n${formatAnalysisText(analysis)}\n`);
  }
  return failed ? 1 : 0;
}

/**
 * Loads the macros/ folder of the security_content checkout a rule file
 * sits in, so `explain` expands macros as the build does.
 */
function repositoryMacros(rule: RuleRecord): MacroLibrary | undefined {
  if (rule.source !== "splunk" || rule.file === "<stdin>") return undefined;
  const folder = join(repositoryRootOf(rule.file), "macros");
  if (!existsSync(folder)) return undefined;
  return loadMacroDirectory(folder).value;
}

function readRules(
  file: string,
  source: SourceKind | undefined,
  output: (text: string) => void,
): RuleRecord[] | undefined {
  const { rules, diagnostics } = readRuleFile(file, source);
  for (const diagnostic of diagnostics)
    output(`${formatDiagnostic(diagnostic)}\n`);
  if (rules.length === 0) {
    if (diagnostics.length === 0)
      output(`${file}: no rule found in this file.\n`);
    return undefined;
  }
  return rules;
}

function ruleFromStandardInput(
  language: string | undefined,
): RuleRecord[] | undefined {
  if (language === undefined || findLanguage(language) === undefined) {
    const known = listLanguages()
      .map((item) => item.id)
      .join(", ");
    throw new ExplainError(
      language === undefined
        ? `A query on standard input needs --language (one of: ${known}).`
        : `Unknown language "${language}"; expected one of: ${known}.`,
    );
  }
  const query = readFileSync(0, "utf8");
  if (language === "sigma") {
    // A Sigma rule is a YAML document, not a query string, so standard
    // input is read the way the Sigma reader reads a file.
    return readSigmaText(query, "<stdin>").rules.map((rule) => rule.record);
  }
  return [
    {
      id: "stdin",
      slug: "stdin",
      // Only SPL reads plain query text today; its rules come from Splunk
      // repositories, and the source picks the event coverage rules.
      source: "splunk",
      repository: "",
      path: "-",
      file: "<stdin>",
      title: "query from standard input",
      displayTitle: "query from standard input",
      description: "",
      language,
      query,
      queryLine: 1,
      techniques: [],
      tactics: [],
      dataCategories: [],
      dataSources: [],
      references: [],
      falsePositives: [],
      tags: {},
      body: query,
      bodyFormat: "text",
      diagnostics: [],
    },
  ];
}

function ruleHeader(rule: RuleRecord) {
  const { body: _body, queryData: _queryData, ...header } = rule;
  return header;
}

/** A usage problem with `explain`, reported as one line. */
export class ExplainError extends Error {}
