import { basename, dirname, join } from "node:path";
import type { Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord } from "../core/rule.ts";
import { loadMacroDirectory } from "../languages/spl/macros.ts";
import {
  isFolder,
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

/** Tags of a security_content detection shown on its page as they are. */
const SHOWN_TAGS = [
  "analytic_story",
  "asset_type",
  "security_domain",
  "product",
  "confidence",
  "impact",
  "risk_score",
];

/**
 * Reads Splunk security_content: detections under detections/ (YAML with
 * the SPL in `search`) and the macro definitions under macros/.
 */
export const splunkReader: RepositoryReader = {
  kind: "splunk",

  detect(root) {
    return sampleHasKey(join(root, "detections"), ["search"]);
  },

  read(root, options?: ReadOptions): RepositoryContent {
    const detections = join(root, "detections");
    const folder = isFolder(detections) ? detections : root;
    const content = readYamlRuleFiles(
      folder,
      (file) => readDetectionFile(file, root),
      options,
    );
    const macroFolder = join(root, "macros");
    if (!isFolder(macroFolder)) return content;
    const macros = loadMacroDirectory(macroFolder);
    content.diagnostics.push(...macros.diagnostics);
    return { ...content, macros: macros.value };
  },

  readFile(file) {
    return readDetectionFile(file, repositoryRootOf(file));
  },
};

/** Returns the folder above `detections/`, so paths read like `detections/endpoint/x.yml`. */
export function repositoryRootOf(file: string): string {
  let folder = dirname(file);
  while (dirname(folder) !== folder) {
    if (basename(folder) === "detections") return dirname(folder);
    folder = dirname(folder);
  }
  return dirname(file);
}

function readDetectionFile(
  file: string,
  root: string,
): { rules: RuleRecord[]; diagnostics: Diagnostic[] } {
  const { text, diagnostic } = readText(file);
  if (text === undefined) return { rules: [], diagnostics: [diagnostic!] };
  const parsed = parseYamlFile(text, file);
  const yaml = parsed.documents[0];
  if (yaml === undefined) return { rules: [], diagnostics: parsed.diagnostics };
  const data = yaml.data;
  if (!isRecord(data) || typeof data.search !== "string") {
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
  const tags = isRecord(data.tags) ? data.tags : {};
  const title = asString(data.name)?.trim() || basename(file);
  const shownTags: Record<string, string[]> = {};
  for (const key of SHOWN_TAGS) {
    const values = asStringList(tags[key]);
    if (values.length > 0) shownTags[key] = values;
  }
  const falsePositives = asString(data.known_false_positives);
  return {
    id: asString(data.id) ?? "",
    slug: slugFromFile(file),
    source: "splunk",
    repository: basename(root),
    path: repositoryPath(root, file),
    file,
    title,
    displayTitle: title,
    description: asString(data.description) ?? "",
    language: "spl",
    query: data.search as string,
    queryLine: valuePosition(yaml, "search")?.line,
    status: asString(data.status),
    type: asString(data.type),
    author: asString(data.author),
    date: asString(data.date),
    techniques: asStringList(tags.mitre_attack_id).map((technique) =>
      technique.trim(),
    ),
    tactics: [],
    dataCategories: [],
    dataSources: asStringList(data.data_source ?? data.data_sources),
    references: asStringList(data.references),
    falsePositives: falsePositives ? [falsePositives] : [],
    tags: shownTags,
    howToImplement: asString(data.how_to_implement),
    body: yaml.text,
    bodyFormat: "yaml",
    diagnostics: [],
  };
}
