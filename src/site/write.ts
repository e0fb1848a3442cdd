import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CatalogEntry, RuleSummary } from "../catalog/entry.ts";
import type { Diagnostic } from "../core/diagnostic.ts";
import { renderIndexPage } from "./index-page.ts";
import type { SiteInfo } from "./layout.ts";
import { renderRulePage } from "./rule-page.ts";
import { slugProblem } from "./slug.ts";

export type { SiteInfo } from "./layout.ts";

/** Pages written by `writeSite`, and the rules left without a page. */
export interface SiteResult {
  /** Rule pages written. */
  pages: number;
  /** One error per rule without a page: an invalid or duplicate slug. */
  diagnostics: Diagnostic[];
}

const ASSET_DIR = fileURLToPath(new URL("./assets/", import.meta.url));

/**
 * Writes the static site into `outDir` (the site folder itself, such as
 * `<catalog>/site`): `index.html`, `rules/<slug>.html` per entry and
 * `assets/`. Existing files with the same names are overwritten; the caller
 * builds into a fresh folder. A rule whose slug is not a safe file name,
 * or repeats an earlier slug, gets no page and a diagnostic instead.
 */
export function writeSite(
  entries: Iterable<CatalogEntry>,
  summaries: readonly RuleSummary[],
  outDir: string,
  info: SiteInfo,
): SiteResult {
  const rulesDir = path.resolve(outDir, "rules");
  const assetsDir = path.resolve(outDir, "assets");
  mkdirSync(rulesDir, { recursive: true });
  mkdirSync(assetsDir, { recursive: true });
  for (const name of readdirSync(ASSET_DIR)) {
    copyFileSync(path.join(ASSET_DIR, name), path.join(assetsDir, name));
  }

  const diagnostics: Diagnostic[] = [];
  // Lower-case keys, because two slugs that differ only in case name the
  // same file on case-insensitive file systems (macOS, Windows).
  const written = new Set<string>();
  let pages = 0;
  for (const entry of entries) {
    const { rule } = entry;
    const problem =
      slugProblem(rule.slug) ??
      (written.has(rule.slug.toLowerCase())
        ? "another rule already has this slug"
        : undefined);
    if (problem) {
      diagnostics.push(slugDiagnostic(entry, problem));
      continue;
    }

    const file = path.join(rulesDir, `${rule.slug}.html`);
    // The slug check above keeps the file in `rules/`; this verifies it.
    if (path.dirname(file) !== rulesDir) {
      diagnostics.push(slugDiagnostic(entry, "the page path leaves rules/"));
      continue;
    }
    writeFileSync(file, renderRulePage(entry, info));
    written.add(rule.slug.toLowerCase());
    pages++;
  }

  writeFileSync(
    path.join(outDir, "index.html"),
    renderIndexPage(summaries, info),
  );
  return { pages, diagnostics };
}

function slugDiagnostic(entry: CatalogEntry, problem: string): Diagnostic {
  const { rule } = entry;
  return {
    severity: "error",
    code: "site-invalid-slug",
    message: `No page written for slug ${JSON.stringify(rule.slug)}: ${problem}.`,
    file: rule.file,
    ruleId: rule.id,
    ruleTitle: rule.displayTitle || rule.title,
  };
}
