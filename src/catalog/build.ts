import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { analyseRule } from "../analysis/analyse-rule.ts";
import { formatDiagnostic, type Diagnostic } from "../core/diagnostic.ts";
import type { RuleRecord, SourceKind } from "../core/rule.ts";
import type { MacroLibrary } from "../languages/registry.ts";
import { detectReader, findReader } from "../sources/index.ts";
import type { RepositoryReader } from "../sources/types.ts";
import { attackVersion } from "../knowledge/attack.ts";
import { writeSite } from "../site/write.ts";
import { enrichRule } from "./enrich.ts";
import type { CatalogEntry, RuleSummary } from "./entry.ts";
import { countIndicators } from "./indicators.ts";
import { CatalogWriter } from "./store.ts";
import { plural } from "../core/text.ts";

export interface BuildOptions {
  /** Repository folders, or folders whose subfolders are repositories. */
  inputs: string[];
  /** Catalog folder: receives catalog.db, site/ and build-report.txt. */
  outDir: string;
  /** Reads every input with this reader instead of detecting the format. */
  source?: SourceKind;
  /** Extra macro definitions (security_content macros/ layout). */
  macros?: MacroLibrary;
  onProgress?: (progress: BuildProgress) => void;
  /** Writes the static site; replaceable so tests can make it fail. */
  writeSite?: SiteWriter;
}

export type SiteWriter = (
  entries: CatalogEntry[],
  summaries: RuleSummary[],
  siteDir: string,
) => Diagnostic[];

/** Writes the static site with the build's ATT&CK version and time. */
export const writeCatalogSite: SiteWriter = (entries, summaries, siteDir) =>
  writeSite(entries, summaries, siteDir, {
    title: "RuleAtlas",
    builtAt: new Date().toISOString(),
    attackVersion: attackVersion(),
  }).diagnostics;

export interface BuildProgress {
  phase: "read" | "analyse" | "write";
  done: number;
  total: number;
  /** Name of the current unit of work, such as the repository being read. */
  label?: string;
}

export interface BuildSummary {
  outDir: string;
  repositories: Array<{
    path: string;
    kind: SourceKind;
    rules: number;
    skipped: number;
    /** Files that could not be read as rules, such as invalid YAML. */
    failed: number;
  }>;
  rulesRead: number;
  /** Rules whose query was analysed by a language analyser. */
  rulesAnalysed: number;
  rulesWithErrors: number;
  filesSkipped: number;
  /** Rule files left out of the catalog because they could not be read. */
  filesFailed: number;
  /** Diagnostic counts by `severity code`, such as `error spl-unbalanced-quote`. */
  diagnosticsByKind: Record<string, number>;
  reportFile: string;
  durationMs: number;
}

/** A problem that stops the whole build, such as a missing input folder. */
export class BuildError extends Error {}

/** File whose presence marks a folder as a catalog that a build may replace. */
const CATALOG_MARKER = "catalog.db";

/**
 * Reads every input repository, analyses every rule and writes the catalog.
 * The catalog is written into a temporary sibling folder that replaces
 * `outDir` only when complete, so a failed build leaves the previous
 * catalog as it was.
 */
export function buildCatalog(options: BuildOptions): BuildSummary {
  const started = Date.now();
  const outDir = resolve(options.outDir);
  checkOutputFolder(outDir, options.inputs);

  const repositories = resolveRepositories(options.inputs, options.source);
  const diagnostics: Diagnostic[] = [];
  const rules: RuleRecord[] = [];
  const macros: MacroLibrary = new Map(options.macros ?? []);
  const summary: BuildSummary["repositories"] = [];
  let skipped = 0;
  let failed = 0;

  repositories.forEach(({ root, reader }, index) => {
    const label = `${reader.kind} ${basename(root)} (${index + 1}/${repositories.length})`;
    const content = reader.read(root, {
      onFile: (done, total) =>
        options.onProgress?.({ phase: "read", done, total, label }),
    });
    rules.push(...content.rules);
    diagnostics.push(...content.diagnostics);
    skipped += content.skipped;
    const failedFiles = filesWithErrors(content.diagnostics);
    failed += failedFiles;
    for (const [name, overloads] of content.macros ?? []) {
      if (!macros.has(name)) macros.set(name, overloads);
    }
    summary.push({
      path: root,
      kind: reader.kind,
      rules: content.rules.length,
      skipped: content.skipped,
      failed: failedFiles,
    });
  });
  if (rules.length === 0) {
    // Replacing a catalog with an empty one is almost always a mistaken
    // path, so the previous catalog stays.
    throw new BuildError(
      `No rules found in ${options.inputs.join(", ")}; the catalog was not replaced.` +
        (diagnostics.length > 0
          ? ` First problem: ${formatDiagnostic(diagnostics[0]!)}`
          : ""),
    );
  }

  assignUniqueSlugs(rules);
  const analysed = rules.map((rule, index) => {
    const analysis = analyseRule(rule, macros);
    options.onProgress?.({
      phase: "analyse",
      done: index + 1,
      total: rules.length,
    });
    return { rule, analysis, ...enrichRule(rule, analysis) };
  });
  const counts = countIndicators(
    analysed.map(({ rule, analysis }) => ({
      slug: rule.slug,
      source: rule.source,
      analysis,
    })),
  );
  const entries: CatalogEntry[] = analysed.map((item) => ({
    ...item,
    indicators: counts.get(item.rule.slug) ?? [],
  }));

  for (const entry of entries)
    diagnostics.push(...entry.rule.diagnostics, ...entry.analysis.diagnostics);
  const reportFile = join(outDir, "build-report.txt");
  const result: BuildSummary = {
    outDir,
    repositories: summary,
    rulesRead: rules.length,
    rulesAnalysed: entries.filter(({ analysis }) => analysis.stages.length > 0)
      .length,
    rulesWithErrors: entries.filter(({ rule, analysis }) =>
      [...rule.diagnostics, ...analysis.diagnostics].some(
        (diagnostic) => diagnostic.severity === "error",
      ),
    ).length,
    filesSkipped: skipped,
    filesFailed: failed,
    diagnosticsByKind: countByKind(diagnostics),
    reportFile,
    durationMs: 0,
  };

  writeAtomically(outDir, (folder) => {
    options.onProgress?.({ phase: "write", done: 0, total: 2 });
    const writer = new CatalogWriter(join(folder, CATALOG_MARKER));
    writer.setMeta("built_at", new Date().toISOString());
    writer.addEntries(entries);
    options.onProgress?.({ phase: "write", done: 1, total: 2 });
    const writeSiteFiles = options.writeSite ?? writeCatalogSite;
    diagnostics.push(
      ...writeSiteFiles(entries, entries.map(toSummary), join(folder, "site")),
    );
    result.diagnosticsByKind = countByKind(diagnostics);
    const slugByFile = new Map(rules.map((rule) => [rule.file, rule.slug]));
    writer.addDiagnostics(diagnostics, (diagnostic) =>
      diagnostic.file === undefined
        ? undefined
        : slugByFile.get(diagnostic.file),
    );
    writer.close();
    writeFileSync(
      join(folder, basename(reportFile)),
      formatReport(result, diagnostics),
    );
    options.onProgress?.({ phase: "write", done: 2, total: 2 });
  });
  result.durationMs = Date.now() - started;
  return result;
}

export function toSummary(entry: CatalogEntry): RuleSummary {
  const { rule, analysis } = entry;
  return {
    slug: rule.slug,
    id: rule.id,
    title: rule.displayTitle,
    source: rule.source,
    language: rule.language,
    path: rule.path,
    techniques: entry.techniques.map((technique) => technique.id),
    techniqueNames: entry.techniques.map((technique) => technique.name),
    errors: [...rule.diagnostics, ...analysis.diagnostics].filter(
      (diagnostic) => diagnostic.severity === "error",
    ).length,
  };
}

interface Repository {
  root: string;
  reader: RepositoryReader;
}

/**
 * Finds the repositories to read. An input whose layout no reader
 * recognises is searched one level down, so `build examples` reads each
 * example repository inside it.
 */
function resolveRepositories(
  inputs: string[],
  source?: SourceKind,
): Repository[] {
  if (inputs.length === 0)
    throw new BuildError(
      "No input folder given. Name at least one rule repository folder.",
    );
  const forced = source === undefined ? undefined : findReader(source);
  if (source !== undefined && forced === undefined) {
    throw new BuildError(`Unknown source "${source}".`);
  }
  const repositories: Repository[] = [];
  for (const input of inputs) {
    const root = resolve(input);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new BuildError(`Input folder not found: ${input}`);
    }
    if (forced) {
      repositories.push({ root, reader: forced });
      continue;
    }
    const reader = detectReader(root);
    const found = childRepositories(root);
    // A folder whose subfolders are repositories of another kind is a
    // parent of repositories, even when a reader accepts the folder as a
    // whole: `examples/` contains Sigma files below it, but also an armory.
    const isParent = found.some((child) => child.reader.kind !== reader?.kind);
    if (reader && !isParent) {
      repositories.push({ root, reader });
      continue;
    }
    if (found.length === 0) {
      throw new BuildError(
        `No rule repository recognised in ${input}. Pass --source to name its format.`,
      );
    }
    repositories.push(...found);
  }
  return repositories;
}

function childRepositories(root: string): Repository[] {
  return readdirSync(root)
    .sort()
    .filter((name) => !name.startsWith("."))
    .map((name) => join(root, name))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((child) => {
      const reader = detectReader(child);
      return reader ? [{ root: child, reader }] : [];
    });
}

/** Rule file names repeat across repositories, so later ones get `-2`, `-3` ... */
function assignUniqueSlugs(rules: RuleRecord[]): void {
  const used = new Set<string>();
  for (const rule of rules) {
    let slug = rule.slug;
    for (let suffix = 2; used.has(slug.toLowerCase()); suffix++)
      slug = `${rule.slug}-${suffix}`;
    used.add(slug.toLowerCase());
    rule.slug = slug;
  }
}

/**
 * Rejects a folder that is not a catalog, or one that contains an
 * input, because the build swaps the whole output folder.
 */
function checkOutputFolder(outDir: string, inputs: string[]): void {
  for (const input of inputs) {
    const root = resolve(input);
    if (
      root === outDir ||
      root.startsWith(outDir + "/") ||
      outDir === dirname(root)
    ) {
      throw new BuildError(
        `Output folder ${outDir} contains the input ${input}; choose another --out.`,
      );
    }
  }
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory())
    throw new BuildError(`Output path ${outDir} is a file, not a folder.`);
  const names = readdirSync(outDir);
  if (names.length > 0 && !names.includes(CATALOG_MARKER)) {
    throw new BuildError(
      `Output folder ${outDir} is not empty and contains no catalog; choose an empty or new folder.`,
    );
  }
}

function writeAtomically(
  outDir: string,
  write: (folder: string) => void,
): void {
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const building = join(parent, `.${basename(outDir)}.building-${process.pid}`);
  const previous = join(parent, `.${basename(outDir)}.previous-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building);
  try {
    write(building);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  const hadPrevious = existsSync(outDir);
  if (hadPrevious) renameSync(outDir, previous);
  try {
    renameSync(building, outDir);
  } catch (error) {
    if (hadPrevious) renameSync(previous, outDir);
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  if (hadPrevious) rmSync(previous, { recursive: true, force: true });
}

/**
 * Counts files with an error diagnostic among a reader's file-level
 * diagnostics; a rule's own problems stay on the rule and are not here.
 */
function filesWithErrors(diagnostics: readonly Diagnostic[]): number {
  const files = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity === "error" && diagnostic.file)
      files.add(diagnostic.file);
  }
  return files.size;
}

function countByKind(
  diagnostics: readonly Diagnostic[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const diagnostic of diagnostics) {
    const kind = `${diagnostic.severity} ${diagnostic.code}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

function formatReport(
  summary: BuildSummary,
  diagnostics: readonly Diagnostic[],
): string {
  const lines = [
    `RuleAtlas build report`,
    `rules read: ${summary.rulesRead}`,
    `rules analysed: ${summary.rulesAnalysed}`,
    `rules with errors: ${summary.rulesWithErrors}`,
    `files skipped (not rules): ${summary.filesSkipped}`,
    `rule files that could not be read: ${summary.filesFailed}`,
    ``,
    `repositories:`,
    ...summary.repositories.map(
      (repository) =>
        `  ${repository.kind} ${repository.path}: ${plural(repository.rules, "rule")}, ${plural(repository.skipped, "file")} skipped, ${plural(repository.failed, "file")} unreadable`,
    ),
    ``,
    `diagnostics by kind:`,
    ...Object.entries(summary.diagnosticsByKind)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `  ${count} ${kind}`),
    ``,
    `diagnostics:`,
    ...diagnostics.map((diagnostic) => `  ${formatDiagnostic(diagnostic)}`),
    ``,
  ];
  return lines.join("\n");
}
