import { basename, dirname, join } from "node:path";
import type { Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord } from "../core/rule.ts";
import {
  isRecord,
  readText,
  readYamlRuleFiles,
  repositoryPath,
  sampleHasKey,
  slugFromFile,
} from "./common.ts";
import type {
  RepositoryContent,
  RepositoryReader,
  ReadOptions,
} from "./types.ts";
import {
  asString,
  asStringList,
  parseYamlFile,
  valuePosition,
  type YamlDocument,
} from "./yaml.ts";

/** Armory `logic_format` values and the language ids they name. */
const LOGIC_FORMATS: Record<string, string> = {
  splunk: "spl",
  snowflake: "snowflake-sql",
};

/** Keys every armory rule file has; a YAML file without them is not a rule. */
const ARMORY_KEYS = ["logic_format", "logic"];

/** Reads the Anvilogic armory: one YAML file per behaviour, platform and data source. */
export const armoryReader: RepositoryReader = {
  kind: "armory",

  detect(root) {
    // The armory keeps its rules under detections/; requiring that folder
    // keeps a parent of several repositories from passing as one armory.
    return sampleHasKey(join(root, "detections"), ["logic_format"]);
  },

  read(root, options?: ReadOptions): RepositoryContent {
    return readYamlRuleFiles(
      root,
      (file) => readArmoryFile(file, root),
      options,
    );
  },

  readFile(file) {
    return readArmoryFile(file, dirname(file));
  },
};

function readArmoryFile(
  file: string,
  root: string,
): { rules: RuleRecord[]; diagnostics: Diagnostic[] } {
  const { text, diagnostic } = readText(file);
  if (text === undefined) return { rules: [], diagnostics: [diagnostic!] };
  const parsed = parseYamlFile(text, file);
  const yaml = parsed.documents[0];
  if (yaml === undefined) return { rules: [], diagnostics: parsed.diagnostics };
  const data = yaml.data;
  if (!isRecord(data) || !ARMORY_KEYS.every((key) => key in data)) {
    return { rules: [], diagnostics: parsed.diagnostics };
  }
  return {
    rules: [toRule(yaml, data, file, root)],
    diagnostics: parsed.diagnostics,
  };
}

function toRule(
  yaml: YamlDocument,
  data: Record<string, unknown>,
  file: string,
  root: string,
): RuleRecord {
  const diagnostics: Diagnostic[] = [];
  const id = asString(data.id) ?? "";
  const title = asString(data.title)?.trim() || basename(file);
  const format = asString(data.logic_format) ?? "";
  const language = LOGIC_FORMATS[format.toLowerCase()];
  const query = asString(data.logic) ?? "";
  const queryPosition = valuePosition(yaml, "logic");
  const dataCategories = asStringList(data.data_category);
  const rule: RuleRecord = {
    id,
    slug: slugFromFile(file),
    source: "armory",
    repository: basename(root),
    path: repositoryPath(root, file),
    file,
    title,
    displayTitle: displayTitle(title, dataCategories),
    description: asString(data.description) ?? "",
    language,
    query,
    queryLine: queryPosition?.line,
    techniques: asStringList(data.technique_id).map((technique) =>
      technique.trim(),
    ),
    tactics: tacticsFromTechniqueNames(asStringList(data.techniques)),
    dataCategories,
    dataSources: [],
    references: asStringList(data.references),
    falsePositives: [],
    tags: { techniques: asStringList(data.techniques) },
    body: yaml.text,
    bodyFormat: "yaml",
    diagnostics,
  };
  const where = {
    file,
    line: queryPosition?.line,
    column: queryPosition?.column,
  };
  if (id === "") {
    diagnostics.push({
      severity: "warning",
      code: "missing-id",
      message: "Rule has no id.",
      ...where,
    });
  }
  if (language === undefined) {
    diagnostics.push({
      severity: "error",
      code: "unknown-logic-format",
      message: `Unknown logic_format "${format}"; expected Splunk or snowflake.`,
      ...where,
    });
  }
  if (!("technique_id" in data)) {
    diagnostics.push({
      severity: "info",
      code: "missing-technique-id",
      message:
        "Rule declares no technique_id, so it maps to no ATT&CK technique.",
      file,
    });
  }
  return rule;
}

/**
 * Armory titles repeat across the variants of one behaviour, so the shown
 * title adds the data category: "masscan Execution - Windows (PowerShell)".
 */
function displayTitle(title: string, dataCategories: string[]): string {
  if (dataCategories.length === 0) return title;
  const names = dataCategories.map((category) =>
    category.replace(/\s+logs$/i, "").trim(),
  );
  return `${title} (${names.join(", ")})`;
}

/** Armory `techniques` entries read `tactic:technique name`; keeps the tactics. */
function tacticsFromTechniqueNames(entries: string[]): string[] {
  const tactics = new Set<string>();
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    if (colon > 0) tactics.add(entry.slice(0, colon).trim());
  }
  return [...tactics];
}
