import type { Analysis } from "../analysis/model.ts";
import type { Result } from "../core/diagnostic.ts";

/** A macro definition, as security_content `macros/*.yml` declares one. */
export interface MacroDefinition {
  name: string;
  arguments: string[];
  definition: string;
  description?: string;
}

/**
 * Macro definitions by name and then by argument count, because Splunk
 * macros overload on the number of arguments (`name(2)` differs from `name`).
 */
export type MacroLibrary = Map<string, Map<number, MacroDefinition>>;

export interface AnalysisInput {
  /** The query text; spans in the result refer to it. */
  query: string;
  /** Structured input for languages that have one, such as Sigma detections. */
  queryData?: unknown;
  macros?: MacroLibrary;
}

export interface QueryLanguage {
  /** Registry key, such as `spl` or `sigma`. */
  id: string;
  /** Name shown to users, such as `Splunk SPL`. */
  name: string;
  /** Analyses one query; never throws on bad input. */
  analyse(input: AnalysisInput): Result<Analysis>;
}

const languages = new Map<string, QueryLanguage>();

export function registerLanguage(language: QueryLanguage): void {
  languages.set(language.id, language);
}

export function findLanguage(id: string): QueryLanguage | undefined {
  return languages.get(id);
}

export function listLanguages(): QueryLanguage[] {
  return [...languages.values()];
}
