import type { Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord, SourceKind } from "../core/rule.ts";
import type { MacroLibrary } from "../languages/registry.ts";

/** Rules, macros and file problems a reader found in one repository. */
export interface RepositoryContent {
  rules: RuleRecord[];
  /** Macro definitions the repository ships, for SPL expansion. */
  macros?: MacroLibrary;
  /** Files looked at that are not rules (READMEs, stories, lookups ...). */
  skipped: number;
  /** Problems with files as a whole; a rule's own problems stay on the rule. */
  diagnostics: Diagnostic[];
}

export interface ReadOptions {
  /** Called after each file, for progress display. */
  onFile?: (done: number, total: number) => void;
}

/**
 * Reads one repository format. Readers never throw on bad files: a file
 * that cannot be read becomes a diagnostic with its path, line and column.
 */
export interface RepositoryReader {
  kind: SourceKind;
  /** Whether the folder's layout is this format, judged from its files. */
  detect(root: string): boolean;
  read(root: string, options?: ReadOptions): RepositoryContent;
  /** Reads one rule file on its own, as `ruleatlas explain FILE` does. */
  readFile(file: string): { rules: RuleRecord[]; diagnostics: Diagnostic[] };
}
