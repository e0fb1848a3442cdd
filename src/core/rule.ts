import type { Diagnostic } from "./diagnostic.ts";

/** The repository formats RuleAtlas reads; each has one reader in src/sources. */
export type SourceKind = "armory" | "splunk" | "sigma";

export const SOURCE_KINDS: readonly SourceKind[] = [
  "armory",
  "splunk",
  "sigma",
];

/**
 * One detection rule as a reader found it, before analysis. Readers fill
 * what the file declares and leave the rest undefined; they never guess.
 */
export interface RuleRecord {
  /** The id the rule declares; not always unique across a repository. */
  id: string;
  /**
   * Catalog-wide unique key and URL slug: the source kind and the file name
   * without extension, made unique with a numeric suffix by the catalog.
   */
  slug: string;
  source: SourceKind;
  /** Name of the repository root folder the rule was read from. */
  repository: string;
  /** Path of the rule file relative to the repository root, with `/`. */
  path: string;
  /** Absolute path of the rule file, for diagnostics. */
  file: string;
  title: string;
  /** Title shown on pages, such as the armory title plus its data category. */
  displayTitle: string;
  description: string;
  /** Query language id in the language registry, or undefined when none. */
  language?: string;
  /** Query text as written in the rule. */
  query: string;
  /** 1-based line in `file` where `query` starts, for diagnostics. */
  queryLine?: number;
  /**
   * Language input that is not plain text, such as a Sigma detection map;
   * the language analyser of `language` documents its shape.
   */
  queryData?: unknown;
  status?: string;
  severity?: string;
  type?: string;
  author?: string;
  date?: string;
  modified?: string;
  /** ATT&CK technique ids as the rule declares them (`T1046`, `T1562.001`). */
  techniques: string[];
  /** ATT&CK tactic names or ids as the rule declares them. */
  tactics: string[];
  dataCategories: string[];
  /** security_content `data_source` names, as written. */
  dataSources: string[];
  /** Sigma log source, as written. */
  logsource?: {
    category?: string;
    product?: string;
    service?: string;
    definition?: string;
  };
  references: string[];
  falsePositives: string[];
  /** Other metadata shown as-is: analytic stories, asset types, Sigma tags. */
  tags: Record<string, string[]>;
  howToImplement?: string;
  /** The rule's whole source document, shown as the rule body. */
  body: string;
  /** Format of `body`, for display: `yaml`, `toml`, `conf`. */
  bodyFormat: string;
  diagnostics: Diagnostic[];
}
