import { basename } from "node:path";
import { isMap, isScalar, type Node, type Pair } from "yaml";
import type { Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord } from "../core/rule.ts";
import type { SigmaQueryData, SigmaSection } from "../languages/sigma/types.ts";
import {
  hasTopLevelKey,
  isRecord,
  readText,
  repositoryPath,
  slugFromFile,
} from "./common.ts";
import type {
  RepositoryContent,
  RepositoryReader,
  ReadOptions,
} from "./types.ts";
import {
  checkCorrelationCycles,
  checkCorrelationReferences,
} from "./sigma-correlations.ts";
import { applyFilters, type SigmaFilter } from "./sigma-filters.ts";
import { listFiles } from "./walk.ts";
import {
  asString,
  asStringList,
  parseYamlFile,
  type YamlDocument,
} from "./yaml.ts";

/** Rules, filters and problems of one Sigma file, before filters are applied. */
export interface SigmaFileContent {
  rules: SigmaRule[];
  filters: SigmaFilter[];
  skipped: number;
  diagnostics: Diagnostic[];
}

/** A rule record with the `name` that correlations and filters may use. */
export interface SigmaRule {
  record: RuleRecord;
  name?: string;
  /** For a correlation rule: the ids or names under `rules`, and where that key is. */
  correlates?: { rules: string[]; line: number; column: number };
}

/**
 * Reads SigmaHQ-style repositories: YAML rule files, any of which may hold
 * several documents (`action: global` merges into the documents after it,
 * `action: reset` ends that), correlation rules and filter documents.
 */
export const sigmaReader: RepositoryReader = {
  kind: "sigma",

  detect(root) {
    const sample = listFiles(root, [".yml", ".yaml"]).slice(0, 30);
    return sample.some((file) => {
      const { text } = readText(file);
      return (
        text !== undefined &&
        hasTopLevelKey(text, ["detection", "correlation"]) &&
        hasTopLevelKey(text, ["logsource", "correlation"])
      );
    });
  },

  read(root, options?: ReadOptions): RepositoryContent {
    const diagnostics: Diagnostic[] = [];
    const files = listFiles(root, [".yml", ".yaml"], diagnostics);
    const rules: SigmaRule[] = [];
    const filters: SigmaFilter[] = [];
    let skipped = 0;
    files.forEach((file, index) => {
      const content = readSigmaFile(file, root);
      rules.push(...content.rules);
      filters.push(...content.filters);
      diagnostics.push(...content.diagnostics);
      skipped += content.skipped;
      options?.onFile?.(index + 1, files.length);
    });
    diagnostics.push(...applyFilters(rules, filters));
    checkCorrelationCycles(rules);
    checkCorrelationReferences(rules);
    return { rules: rules.map((rule) => rule.record), skipped, diagnostics };
  },

  readFile(file) {
    const content = readSigmaFile(file);
    const diagnostics = [
      ...content.diagnostics,
      ...applyFilters(content.rules, content.filters),
    ];
    checkCorrelationCycles(content.rules);
    return { rules: content.rules.map((rule) => rule.record), diagnostics };
  },
};

/** Reads every document of one file; filters are returned, not applied. */
export function readSigmaFile(file: string, root?: string): SigmaFileContent {
  const content: SigmaFileContent = {
    rules: [],
    filters: [],
    skipped: 0,
    diagnostics: [],
  };
  const { text, diagnostic } = readText(file);
  if (text === undefined) {
    content.diagnostics.push(diagnostic!);
    return content;
  }
  return readSigmaText(text, file, root, content);
}

/** Reads Sigma YAML text as if it were the file `file`. */
export function readSigmaText(
  text: string,
  file: string,
  root?: string,
  content: SigmaFileContent = {
    rules: [],
    filters: [],
    skipped: 0,
    diagnostics: [],
  },
): SigmaFileContent {
  const parsed = parseYamlFile(text, file);
  content.diagnostics.push(...parsed.diagnostics);
  const context: FileContext = { text, file, root, index: 0 };
  let global: YamlDocument | undefined;
  // The documents the previous rule was built from, for `action: repeat`.
  let previous: YamlDocument[] = [];

  for (const yaml of parsed.documents) {
    const data = yaml.data;
    if (!isRecord(data)) {
      content.skipped++;
      continue;
    }
    const action = asString(data.action);
    if (action === "global") {
      global = yaml;
      continue;
    }
    if (action === "reset") {
      global = undefined;
      continue;
    }
    let bases: YamlDocument[] = global ? [global] : [];
    if (action === "repeat") bases = previous;
    previous = [...bases, yaml];

    if ("correlation" in data) {
      content.rules.push(readCorrelation(yaml, context));
    } else if ("filter" in data) {
      const filter = readFilter(yaml, context);
      content.filters.push(filter.filter);
      content.diagnostics.push(...filter.diagnostics);
    } else if (
      "detection" in data ||
      ("logsource" in data && "title" in data) ||
      bases.some((base) => isRecord(base.data) && "detection" in base.data)
    ) {
      content.rules.push(readRule(yaml, bases, context));
    } else {
      content.skipped++;
    }
  }
  return content;
}

interface FileContext {
  text: string;
  file: string;
  root?: string;
  /** Count of rules read from the file so far. */
  index: number;
}

/**
 * Reads a rule document merged onto `bases`: the `action: global` document
 * before it, or for `action: repeat` the documents of the previous rule.
 */
function readRule(
  yaml: YamlDocument,
  bases: YamlDocument[],
  context: FileContext,
): SigmaRule {
  let merged: unknown;
  for (const source of [...bases, yaml])
    merged = mergeData(merged, source.data);
  const data = isRecord(merged) ? merged : {};
  const base = bases[bases.length - 1];
  const record = baseRecord(data, yaml, bases, context);
  const sections: SigmaSection[] = [];
  const parts: string[] = [];
  let offset = 0;

  for (const source of [...bases, yaml]) {
    const pair = topLevelPair(source, "detection");
    if (!pair) continue;
    const sectionText = pairText(pair, context.text);
    if (parts.length === 0) record.queryLine = position(source, pair.key).line;
    if (parts.length > 0) offset += 1;
    sections.push({
      role: source === yaml ? "rule" : "global",
      start: offset,
      end: offset + sectionText.length,
    });
    parts.push(sectionText);
    offset += sectionText.length;
  }

  record.query = parts.join("\n");
  record.queryData = { kind: "rule", sections } satisfies SigmaQueryData;
  checkDetection(data, yaml, base, record);
  return { record, name: asString(data.name) };
}

/** Reports a rule without detection, or whose condition sits outside it. */
function checkDetection(
  data: Record<string, unknown>,
  yaml: YamlDocument,
  base: YamlDocument | undefined,
  record: RuleRecord,
): void {
  const detection = data.detection;
  const where = (document: YamlDocument, key: string) => {
    const pair = topLevelPair(document, key);
    return pair ? position(document, pair.key) : { line: 1, column: 1 };
  };
  if (!isRecord(detection)) {
    record.diagnostics.push(
      problem(
        record,
        "sigma-no-detection",
        "rule has no `detection` map; a Sigma rule needs one",
        { line: 1, column: 1 },
      ),
    );
    return;
  }
  if ("condition" in detection) return;

  const detectionDocument = topLevelPair(yaml, "detection")
    ? yaml
    : (base ?? yaml);
  let message = "detection has no condition";
  if ("condition" in data) {
    const found = where(
      topLevelPair(yaml, "condition") ? yaml : (base ?? yaml),
      "condition",
    );
    message += `; the \`condition\` at line ${found.line} is outside \`detection\`: indent it under \`detection:\``;
  } else {
    message += "; add `condition:` under `detection:`";
  }
  record.diagnostics.push(
    problem(
      record,
      "sigma-no-condition",
      message,
      where(detectionDocument, "detection"),
    ),
  );
}

function readCorrelation(yaml: YamlDocument, context: FileContext): SigmaRule {
  const data = yaml.data as Record<string, unknown>;
  const record = baseRecord(data, yaml, [], context);
  record.type = "correlation";
  const pair = topLevelPair(yaml, "correlation")!;
  const text = pairText(pair, context.text);
  record.query = text;
  record.queryLine = position(yaml, pair.key).line;
  record.queryData = {
    kind: "correlation",
    sections: [{ role: "correlation", start: 0, end: text.length }],
  } satisfies SigmaQueryData;
  const correlation = isRecord(data.correlation) ? data.correlation : {};
  const rulesPair = isMap(pair.value)
    ? pair.value.items.find(
        (item) => isScalar(item.key) && item.key.value === "rules",
      )
    : undefined;
  const at = position(yaml, (rulesPair?.key as Node | undefined) ?? pair.key);
  return {
    record,
    name: asString(data.name),
    correlates: { rules: asStringList(correlation.rules), ...at },
  };
}

function readFilter(
  yaml: YamlDocument,
  context: FileContext,
): { filter: SigmaFilter; diagnostics: Diagnostic[] } {
  const data = yaml.data as Record<string, unknown>;
  const pair = topLevelPair(yaml, "filter")!;
  const filterData = isRecord(data.filter) ? data.filter : {};
  const rules = filterData.rules;
  const at = position(yaml, pair.key);
  const diagnostics: Diagnostic[] = [];
  if (rules === undefined) {
    diagnostics.push({
      severity: "warning",
      code: "sigma-filter-no-rules",
      message:
        "filter names no rules under `filter.rules`, so it applies to none",
      file: context.file,
      line: at.line,
      column: at.column,
    });
  }
  return {
    filter: {
      id: asString(data.id) ?? "",
      title: asString(data.title) ?? "",
      name: asString(data.name),
      rules: rules === "any" ? "any" : asStringList(rules),
      logsource: isRecord(data.logsource) ? stringMap(data.logsource) : {},
      text: pairText(pair, context.text),
      file: context.file,
      line: at.line,
      column: at.column,
    },
    diagnostics,
  };
}

function baseRecord(
  data: Record<string, unknown>,
  yaml: YamlDocument,
  bases: YamlDocument[],
  context: FileContext,
): RuleRecord {
  const file = context.file;
  const title = asString(data.title)?.trim() || basename(file);
  const tags = asStringList(data.tags);
  const logsource = isRecord(data.logsource)
    ? stringMap(data.logsource)
    : undefined;
  context.index++;
  return {
    id: asString(data.id) ?? "",
    slug: slugFromFile(file),
    source: "sigma",
    repository: context.root ? basename(context.root) : "",
    path: context.root ? repositoryPath(context.root, file) : basename(file),
    file,
    title,
    displayTitle: title,
    description: asString(data.description) ?? "",
    language: "sigma",
    query: "",
    status: asString(data.status),
    severity: asString(data.level),
    author: asString(data.author),
    date: asString(data.date),
    modified: asString(data.modified),
    techniques: techniquesOf(tags),
    tactics: tacticsOf(tags),
    dataCategories: [],
    dataSources: [],
    logsource: logsource && {
      category: logsource.category,
      product: logsource.product,
      service: logsource.service,
      definition: logsource.definition,
    },
    references: asStringList(data.references),
    falsePositives: asStringList(data.falsepositives),
    tags: groupTags(tags),
    body: [...bases, yaml]
      .map((source, index) =>
        index < bases.length ? source.text.trimEnd() : source.text,
      )
      .join("\n---\n"),
    bodyFormat: "yaml",
    diagnostics: [],
  };
}

/** ATT&CK technique ids from `attack.t1059.001` tags, as `T1059.001`. */
export function techniquesOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith("attack.t")) continue;
    const id = lower.slice("attack.".length).toUpperCase();
    if (/^T\d{4}(\.\d{3})?$/.test(id) && !out.includes(id)) out.push(id);
  }
  return out;
}

/**
 * ATT&CK tactics from tags: `attack.<tactic-short-name>` such as
 * `attack.stealth`, or a tactic id such as `attack.ta0005`. Technique,
 * group (`g`), software (`s`), mitigation (`m`) and data source ids are not
 * tactics.
 */
export function tacticsOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith("attack.")) continue;
    const name = lower.slice("attack.".length);
    const isTacticId = /^ta\d{4}$/.test(name);
    const isName = /^[a-z]+(-[a-z]+)*$/.test(name);
    if ((isTacticId || isName) && !out.includes(name))
      out.push(isTacticId ? name.toUpperCase() : name);
  }
  return out;
}

/** Tags by namespace, the part before the first dot (`attack`, `cve`). */
function groupTags(tags: readonly string[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const tag of tags) {
    const dot = tag.indexOf(".");
    const namespace = dot > 0 ? tag.slice(0, dot) : "other";
    (groups[namespace] ??= []).push(tag);
  }
  return groups;
}

/** Merges a global document into a rule document, the rule winning. */
function mergeData(base: unknown, data: unknown): Record<string, unknown> {
  if (!isRecord(data)) return {};
  if (!isRecord(base)) return data;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(data)) {
    const previous = out[key];
    out[key] =
      isRecord(previous) && isRecord(value)
        ? mergeData(previous, value)
        : value;
  }
  delete out.action;
  return out;
}

function stringMap(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    const text = asString(value);
    if (text !== undefined) out[key] = text;
  }
  return out;
}

function topLevelPair(
  yaml: YamlDocument,
  key: string,
): Pair<Node, Node> | undefined {
  const contents = yaml.document.contents;
  if (!isMap(contents)) return undefined;
  return contents.items.find(
    (pair) => isScalar(pair.key) && pair.key.value === key,
  ) as Pair<Node, Node> | undefined;
}

/** Returns the source text of a top-level `key: value` pair, from the key on. */
function pairText(pair: Pair<Node, Node>, text: string): string {
  const start = pair.key?.range?.[0] ?? 0;
  const end = pair.value?.range?.[1] ?? pair.key?.range?.[1] ?? start;
  return text.slice(start, end).trimEnd();
}

function position(
  yaml: YamlDocument,
  node: Node | null | undefined,
): { line: number; column: number } {
  const place = yaml.lineCounter.linePos(node?.range?.[0] ?? 0);
  return { line: place.line, column: place.col };
}

function problem(
  record: RuleRecord,
  code: string,
  message: string,
  at: { line: number; column: number },
): Diagnostic {
  return {
    severity: "error",
    code,
    message,
    file: record.file,
    line: at.line,
    column: at.column,
    ruleId: record.id,
    ruleTitle: record.title,
  };
}
