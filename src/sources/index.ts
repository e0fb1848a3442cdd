import type { Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord, SourceKind } from "../core/rule.ts";
import { armoryReader } from "./armory.ts";
import { hasTopLevelKey, readText } from "./common.ts";
import { splunkReader } from "./splunk.ts";
import type { RepositoryReader } from "./types.ts";

/**
 * Readers in detection order: the first whose `detect` accepts a folder
 * reads it. security_content comes before the armory because both are YAML
 * and only security_content has a detections/ folder of `search` rules.
 */
const READERS: RepositoryReader[] = [splunkReader, armoryReader];

export function registerReader(reader: RepositoryReader): void {
  if (!READERS.some((known) => known.kind === reader.kind))
    READERS.push(reader);
}

export function findReader(kind: SourceKind): RepositoryReader | undefined {
  return READERS.find((reader) => reader.kind === kind);
}

export function readerKinds(): SourceKind[] {
  return READERS.map((reader) => reader.kind);
}

/** Picks the reader for a repository folder from its layout. */
export function detectReader(root: string): RepositoryReader | undefined {
  return READERS.find((reader) => reader.detect(root));
}

/**
 * Top-level YAML keys that tell the formats apart for a single file:
 * armory rules have `logic_format`, security_content detections `search`,
 * Sigma rules `detection` or `correlation`.
 */
const FILE_MARKERS: Array<[SourceKind, string[]]> = [
  ["armory", ["logic_format"]],
  ["splunk", ["search"]],
  ["sigma", ["detection", "correlation"]],
];

/** Reads one rule file, choosing the reader from the file's own keys. */
export function readRuleFile(
  file: string,
  kind?: SourceKind,
): { rules: RuleRecord[]; diagnostics: Diagnostic[] } {
  let chosen = kind;
  if (chosen === undefined) {
    const { text, diagnostic } = readText(file);
    if (text === undefined) return { rules: [], diagnostics: [diagnostic!] };
    chosen = FILE_MARKERS.find(([, keys]) => hasTopLevelKey(text, keys))?.[0];
  }
  const reader = chosen === undefined ? undefined : findReader(chosen);
  if (reader === undefined) {
    const known = readerKinds().join(", ");
    return {
      rules: [],
      diagnostics: [
        {
          severity: "error",
          code: "unknown-rule-format",
          message: `Not a rule file of a known format (${known}). Pass --source to name the format.`,
          file,
          line: 1,
          column: 1,
        },
      ],
    };
  }
  return reader.readFile(file);
}
