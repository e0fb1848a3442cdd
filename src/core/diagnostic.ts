import type { Span } from "./span.ts";

export type Severity = "error" | "warning" | "info";

/**
 * A problem found in user input. Parsers, readers and analysers return
 * diagnostics instead of throwing, so one bad rule never stops a build.
 */
export interface Diagnostic {
  severity: Severity;
  /** Stable kebab-case identifier, such as `spl-unbalanced-quote`. */
  code: string;
  /** The problem and, where possible, its fix. */
  message: string;
  /** Position inside the parsed text (a query or a file). */
  span?: Span;
  file?: string;
  /** 1-based line and column in `file`. */
  line?: number;
  column?: number;
  ruleId?: string;
  ruleTitle?: string;
}

/** The outcome of a parse or analysis: a value, plus what went wrong on the way. */
export interface Result<T> {
  value: T;
  diagnostics: Diagnostic[];
}

/**
 * Formats a diagnostic as one line: `file:line:column: severity [code] rule
 * "title": message`, leaving out the parts it does not have.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const parts: string[] = [];
  if (diagnostic.file) {
    const line = diagnostic.line ?? diagnostic.span?.line;
    const column = diagnostic.column ?? diagnostic.span?.column;
    let location = diagnostic.file;
    if (line !== undefined) location += `:${line}`;
    if (line !== undefined && column !== undefined) location += `:${column}`;
    parts.push(`${location}:`);
  } else if (diagnostic.span) {
    parts.push(`${diagnostic.span.line}:${diagnostic.span.column}:`);
  }
  parts.push(`${diagnostic.severity} [${diagnostic.code}]`);
  const rule = [
    diagnostic.ruleId,
    diagnostic.ruleTitle && `"${diagnostic.ruleTitle}"`,
  ]
    .filter((part) => part)
    .join(" ");
  if (rule !== "") parts.push(`rule ${rule}:`);
  parts.push(diagnostic.message);
  return parts.join(" ");
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === "error");
}
