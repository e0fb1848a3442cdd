import {
  LineCounter,
  parseAllDocuments,
  isMap,
  isScalar,
  type Document,
} from "yaml";
import type { Diagnostic } from "../core/diagnostic.ts";

/** One YAML document with what is needed to point diagnostics at its lines. */
export interface YamlDocument {
  data: unknown;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The document's own source text. */
  text: string;
}

/**
 * Parses every document of a YAML file. Syntax errors become diagnostics
 * with the file, line and column; a document with errors is left out.
 */
export function parseYamlFile(
  text: string,
  file: string,
): { documents: YamlDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const documents: YamlDocument[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const document of list) {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const position = lineCounter.linePos(error.pos[0]);
        diagnostics.push({
          severity: "error",
          code: "yaml-syntax",
          message: `Invalid YAML: ${firstLine(error.message)}. Fix the file's YAML syntax.`,
          file,
          line: position.line,
          column: position.col,
        });
      }
      continue;
    }
    const [start, , end] = document.range;
    documents.push({
      data: document.toJS({ maxAliasCount: 100 }),
      document,
      lineCounter,
      text: text.slice(start, end),
    });
  }
  return { documents, diagnostics };
}

/** Returns the 1-based line and column where a top-level key's value starts. */
export function valuePosition(
  yaml: YamlDocument,
  key: string,
): { line: number; column: number } | undefined {
  const contents = yaml.document.contents;
  if (!isMap(contents)) return undefined;
  for (const pair of contents.items) {
    if (isScalar(pair.key) && pair.key.value === key) {
      const node = pair.value as { range?: [number, number, number] } | null;
      const offset = node?.range?.[0] ?? pair.key.range?.[0] ?? 0;
      const position = yaml.lineCounter.linePos(offset);
      return { line: position.line, column: position.col };
    }
  }
  return undefined;
}

/** Returns the 1-based position of a top-level key itself. */
export function keyPosition(
  yaml: YamlDocument,
  key: string,
): { line: number; column: number } | undefined {
  const contents = yaml.document.contents;
  if (!isMap(contents)) return undefined;
  for (const pair of contents.items) {
    if (isScalar(pair.key) && pair.key.value === key) {
      const position = yaml.lineCounter.linePos(pair.key.range?.[0] ?? 0);
      return { line: position.line, column: position.col };
    }
  }
  return undefined;
}

/** Reads a value that should be a string; numbers and booleans become text. */
export function asString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean")
    return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return undefined;
}

/**
 * Reads a value that should be a list of strings. Nested lists are
 * flattened, a single string becomes a list of one, and null is empty.
 */
export function asStringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => asStringList(item));
  const text = asString(value);
  return text === undefined || text.trim() === "" ? [] : [text];
}

function firstLine(message: string): string {
  const end = message.indexOf("\n");
  return (end === -1 ? message : message.slice(0, end)).replace(/\.$/, "");
}
