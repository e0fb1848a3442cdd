import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cache = new Map<string, unknown>();

/**
 * Reads and caches a generated JSON file under the repository's `data/`
 * folder, such as `attack/enterprise-attack.json`. The files are committed,
 * so a missing or unreadable one is a broken checkout and throws.
 */
export function loadDataFile<T>(relativePath: string): T {
  let value = cache.get(relativePath);
  if (value === undefined) {
    const url = new URL(`../../data/${relativePath}`, import.meta.url);
    value = JSON.parse(readFileSync(fileURLToPath(url), "utf8"));
    cache.set(relativePath, value);
  }
  return value as T;
}
