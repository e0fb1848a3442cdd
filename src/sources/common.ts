import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname, relative, sep } from "node:path";
import type { Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord } from "../core/rule.ts";
import type { ReadOptions, RepositoryContent } from "./types.ts";
import { listFiles } from "./walk.ts";

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

/** Checks whether a file looks like YAML with a top-level `key:` in its first lines. */
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

export function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * Checks whether one of the first YAML files under `folder` has one of `keys` at
 * its top level. Detection samples a few files instead of reading them all.
 */
export function sampleHasKey(folder: string, keys: readonly string[]): boolean {
  if (!isFolder(folder)) return false;
  const sample = listFiles(folder, [".yml", ".yaml"]).slice(0, 20);
  return sample.some((file) => {
    const { text } = readText(file);
    return text !== undefined && hasTopLevelKey(text, keys);
  });
}

/**
 * Reads every YAML file under `folder` with `readFile`, one rule file at a
 * time, and counts the files that yield neither a rule nor a diagnostic as
 * skipped.
 */
export function readYamlRuleFiles(
  folder: string,
  readFile: (file: string) => {
    rules: RuleRecord[];
    diagnostics: Diagnostic[];
  },
  options?: ReadOptions,
): RepositoryContent {
  const diagnostics: Diagnostic[] = [];
  const files = listFiles(folder, [".yml", ".yaml"], diagnostics);
  const rules: RuleRecord[] = [];
  let skipped = 0;
  files.forEach((file, index) => {
    const result = readFile(file);
    rules.push(...result.rules);
    diagnostics.push(...result.diagnostics);
    if (result.rules.length === 0 && result.diagnostics.length === 0) skipped++;
    options?.onFile?.(index + 1, files.length);
  });
  return { rules, skipped, diagnostics };
}
