/**
 * Reads and analyses every Sigma rule of a corpus and reports all failures
 * together. A rule fails when reading or analysing it gives an error
 * diagnostic. Failures listed in test/known-failures/sigma.tsv (rule id, tab,
 * reason) are reported but do not fail the run; that list must stay under
 * 0.2% of the rules.
 *
 * Usage: tsx scripts/check-sigma-corpus.ts [CORPUS]; CORPUS defaults to env
 * RULEATLAS_CORPUS, then ../shared/corpus from the project root. Either the
 * corpus folder or its sigma/ folder may be given.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { formatDiagnostic, type Diagnostic } from "../src/core/diagnostic.ts";
import type { RuleRecord } from "../src/core/rule.ts";
import { inferSigmaCoverage } from "../src/knowledge/sigma-logsource.ts";
import { sigmaLanguage } from "../src/languages/sigma/index.ts";
import { sigmaReader } from "../src/sources/sigma.ts";
import { corpusRoot } from "./corpus-location.ts";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const KNOWN_FAILURES = join(projectRoot, "test/known-failures/sigma.tsv");
const MAX_KNOWN_SHARE = 0.002;

function corpusFolder(): string {
  const root = corpusRoot();
  return existsSync(join(root, "sigma")) ? join(root, "sigma") : root;
}

function readKnownFailures(): Map<string, string> {
  const known = new Map<string, string>();
  if (!existsSync(KNOWN_FAILURES)) return known;
  for (const line of readFileSync(KNOWN_FAILURES, "utf8").split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const [id, reason] = line.split("\t");
    known.set(id.trim(), (reason ?? "").trim());
  }
  return known;
}

/** Places an analysis diagnostic in the rule file, from the query's first line. */
function locate(rule: RuleRecord, diagnostic: Diagnostic): Diagnostic {
  const located: Diagnostic = {
    ...diagnostic,
    file: rule.file,
    ruleId: rule.id,
    ruleTitle: rule.title,
  };
  if (
    diagnostic.span &&
    rule.queryLine !== undefined &&
    diagnostic.line === undefined
  ) {
    located.line = rule.queryLine + diagnostic.span.line - 1;
    located.column = diagnostic.span.column;
  }
  return located;
}

function main(): number {
  const folder = corpusFolder();
  if (!existsSync(folder)) {
    console.error(
      `corpus not found: ${folder}; pass its path or set RULEATLAS_CORPUS`,
    );
    return 2;
  }
  const known = readKnownFailures();
  const content = sigmaReader.read(folder);
  const failures: { rule: RuleRecord; diagnostics: Diagnostic[] }[] = [];
  const readErrors = content.diagnostics.filter(
    (diagnostic) => diagnostic.severity === "error",
  );
  let warnings = 0;
  let withCoverage = 0;
  let correlations = 0;

  for (const rule of content.rules) {
    if (rule.type === "correlation") correlations++;
    const result = sigmaLanguage.analyse({
      query: rule.query,
      queryData: rule.queryData,
    });
    const all = [
      ...rule.diagnostics,
      ...result.diagnostics.map((diagnostic) => locate(rule, diagnostic)),
    ];
    warnings += all.filter(
      (diagnostic) => diagnostic.severity === "warning",
    ).length;
    const errors = all.filter((diagnostic) => diagnostic.severity === "error");
    if (errors.length > 0) failures.push({ rule, diagnostics: errors });
    if (inferSigmaCoverage(rule, result.value).length > 0) withCoverage++;
  }

  const unexpected = failures.filter((failure) => !known.has(failure.rule.id));
  for (const failure of failures) {
    const reason = known.get(failure.rule.id);
    for (const diagnostic of failure.diagnostics) {
      const prefix = reason === undefined ? "FAIL" : `KNOWN (${reason})`;
      console.log(
        `${prefix} ${formatDiagnostic({ ...diagnostic, file: relative(folder, diagnostic.file ?? failure.rule.file) })}`,
      );
    }
  }
  for (const diagnostic of readErrors)
    console.log(`FAIL ${formatDiagnostic(diagnostic)}`);

  const total = content.rules.length;
  const passed = total - failures.length;
  console.log(
    `${total} rules (${correlations} correlation), ${content.skipped} documents skipped as not rules`,
  );
  console.log(
    `${withCoverage} rules with event coverage, ${warnings} warnings`,
  );
  console.log(
    `${passed} passed, ${failures.length} failed (${failures.length - unexpected.length} known)`,
  );

  if (known.size > total * MAX_KNOWN_SHARE) {
    console.log(
      `known failures list has ${known.size} entries, more than 0.2% of ${total} rules`,
    );
    return 1;
  }
  return unexpected.length > 0 || readErrors.length > 0 ? 1 : 0;
}

process.exitCode = main();
