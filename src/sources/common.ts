import { readFileSync } from "node:fs";
import { basename, extname, relative, sep } from "node:path";
import type { Diagnostic } from "../core/diagnostic.ts";

/**
 * Turns a rule file name into a URL slug: the name without its extension,
 * with every character other than ASCII letters, digits, `.`, `_` and `-`
 * replaced by `-`. A slug never contains a path separator or `..`.
 */
export function slugFromFile(file: string): string {
  const stem = basename(file, extname(file));
  let slug = "";
  for (const character of stem) {
    slug += /^[A-Za-z0-9._-]$/.test(character) ? character : "-";
  }
  slug = slug.replace(/\.{2,}/g, ".").replace(/^[.-]+/, "");
  return slug === "" ? "rule" : slug;
}

/** Path of `file` relative to `root`, always with `/` separators. */
export function repositoryPath(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}

/** Reads a text file, returning a diagnostic instead of throwing. */
export function readText(file: string): {
  text?: string;
  diagnostic?: Diagnostic;
} {
  try {
    return { text: readFileSync(file, "utf8") };
  } catch (error) {
    return {
      diagnostic: {
        severity: "error",
        code: "read-failed",
        message: `Cannot read file: ${(error as Error).message}`,
        file,
      },
    };
  }
}

/** Whether a file looks like YAML with a top-level `key:` in its first lines. */
export function hasTopLevelKey(text: string, keys: readonly string[]): boolean {
  for (const line of text.split("\n", 200)) {
    for (const key of keys) {
      if (line.startsWith(`${key}:`)) return true;
    }
  }
  return false;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
