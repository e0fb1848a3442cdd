import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { inferSigmaCoverage } from "../../../src/knowledge/sigma-logsource.ts";
import { sigmaLanguage } from "../../../src/languages/sigma/index.ts";
import { sigmaReader } from "../../../src/sources/sigma.ts";

/**
 * Golden tests: each folder under test/fixtures/sigma contains a rule.yml and
 * the expected reading of it as expected.json: every rule of the file with
 * its metadata, analysis and event coverage. Spans are written as
 * `line:column-endLine:endColumn` in the analysed query. Set UPDATE_GOLDEN=1
 * to rewrite the files, then read each change before committing it.
 */
const fixtures = fileURLToPath(
  new URL("../../fixtures/sigma/", import.meta.url),
);
const update = process.env.UPDATE_GOLDEN === "1";

function compactSpans(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compactSpans);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if ("start" in record && "endLine" in record && "endColumn" in record) {
    return `${record.line}:${record.column}-${record.endLine}:${record.endColumn}`;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    if (child === undefined) continue;
    out[key] =
      key === "file" && typeof child === "string"
        ? basename(child)
        : compactSpans(child);
  }
  return out;
}

function readCase(folder: string): unknown {
  const file = join(folder, "rule.yml");
  const { rules, diagnostics } = sigmaReader.readFile(file);
  return compactSpans({
    rules: rules.map((rule) => {
      const analysis = sigmaLanguage.analyse({
        query: rule.query,
        queryData: rule.queryData,
      }).value;
      return {
        id: rule.id,
        title: rule.title,
        type: rule.type,
        status: rule.status,
        severity: rule.severity,
        logsource: rule.logsource,
        techniques: rule.techniques,
        tactics: rule.tactics,
        tags: rule.tags,
        recordDiagnostics: rule.diagnostics,
        query: rule.query,
        analysis,
        coverage: inferSigmaCoverage(rule, analysis),
      };
    }),
    fileDiagnostics: diagnostics,
  });
}

const cases = readdirSync(fixtures, { withFileTypes: true })
  // Folders starting with `_` are inputs for other tests, such as a repository.
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith("_"))
  .map((entry) => entry.name)
  .sort();

test("sigma fixtures: at least 50 cases", () => {
  assert.ok(cases.length >= 50, `only ${cases.length} cases`);
});

for (const name of cases) {
  test(`sigma golden: ${name}`, () => {
    const folder = join(fixtures, name);
    const actual = readCase(folder);
    const expectedFile = join(folder, "expected.json");
    if (update || !existsSync(expectedFile)) {
      writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + "\n");
      if (!update)
        assert.fail(
          `${expectedFile} was missing and is now written; review it`,
        );
      return;
    }
    const expected = JSON.parse(readFileSync(expectedFile, "utf8"));
    assert.deepEqual(actual, expected);
  });
}
