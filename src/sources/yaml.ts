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
  let parsed;
  try {
    parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  } catch (error) {
    // The YAML parser recurses per nesting level and can exhaust the stack.
    diagnostics.push({
      severity: "error",
      code: "yaml-syntax",
      message: `Cannot parse the YAML: ${firstLine((error as Error).message)}. Nest the file's YAML less deeply.`,
      file,
      line: 1,
      column: 1,
    });
    return { documents, diagnostics };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  for (const document of list) {
    if (document.errors.length > 0) {
      // One syntax error, such as an unclosed quote, makes the parser report
      // several more after it; the first is the one to fix.
      const [error] = document.errors;
      const position = lineCounter.linePos(error!.pos[0]);
      const more = document.errors.length - 1;
      const suffix =
        more > 0 ? ` (${more} more YAML errors follow from it)` : "";
      diagnostics.push({
        severity: "error",
        code: "yaml-syntax",
        message: `Invalid YAML: ${firstLine(error!.message)}. Fix the file's YAML syntax${suffix}.`,
        file,
        line: position.line,
        column: position.col,
      });
      continue;
    }
    const [start, , end] = document.range;
    // toJS throws on aliases that expand past maxAliasCount (an alias bomb),
    // and an alias inside its own anchor gives a cyclic value. Both leave the
    // document out.
    let data: unknown;
    let problem: string | undefined;
    try {
      data = document.toJS({ maxAliasCount: 100 });
      if (isCyclic(data)) problem = "an alias names a collection it is inside";
    } catch (error) {
      problem = firstLine((error as Error).message);
    }
    if (problem !== undefined) {
      const position = lineCounter.linePos(start);
      diagnostics.push({
        severity: "error",
        code: "yaml-aliases",
        message: `Cannot expand the document's YAML aliases: ${problem}. Write the values out instead of using aliases.`,
        file,
        line: position.line,
        column: position.col,
      });
      continue;
    }
    documents.push({
      data,
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
  const pair = topLevelPair(yaml, key);
  if (pair === undefined) return undefined;
  const node = pair.value as { range?: [number, number, number] } | null;
  return linePosition(yaml, node?.range?.[0] ?? pair.key.range?.[0] ?? 0);
}

/** Returns the 1-based position of a top-level key itself. */
export function keyPosition(
  yaml: YamlDocument,
  key: string,
): { line: number; column: number } | undefined {
  const pair = topLevelPair(yaml, key);
  if (pair === undefined) return undefined;
  return linePosition(yaml, pair.key.range?.[0] ?? 0);
}

function topLevelPair(yaml: YamlDocument, key: string) {
  const contents = yaml.document.contents;
  if (!isMap(contents)) return undefined;
  for (const pair of contents.items) {
    if (isScalar(pair.key) && pair.key.value === key) {
      return { key: pair.key, value: pair.value };
    }
  }
  return undefined;
}

function linePosition(
  yaml: YamlDocument,
  offset: number,
): { line: number; column: number } {
  const position = yaml.lineCounter.linePos(offset);
  return { line: position.line, column: position.col };
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

/** Returns whether a value from toJS contains itself; walks without recursion. */
function isCyclic(root: unknown): boolean {
  const open = new Set<object>();
  const done = new Set<object>();
  const stack: { value: object; leaving: boolean }[] = [];
  if (typeof root === "object" && root !== null)
    stack.push({ value: root, leaving: false });
  while (stack.length > 0) {
    const { value, leaving } = stack.pop()!;
    if (leaving) {
      open.delete(value);
      done.add(value);
      continue;
    }
    if (done.has(value)) continue;
    open.add(value);
    stack.push({ value, leaving: true });
    const children =
      value instanceof Map ? [...value.values()] : Object.values(value);
    for (const child of children) {
      if (typeof child !== "object" || child === null) continue;
      if (open.has(child)) return true;
      if (!done.has(child)) stack.push({ value: child, leaving: false });
    }
  }
  return false;
}

function firstLine(message: string): string {
  const end = message.indexOf("\n");
  return (end === -1 ? message : message.slice(0, end)).replace(/\.$/, "");
}
