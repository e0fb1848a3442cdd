import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync, cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { armoryReader } from "../../src/sources/armory.ts";
import { splunkReader } from "../../src/sources/splunk.ts";
import { detectReader, readRuleFile } from "../../src/sources/index.ts";
import { temporaryFolder } from "../support/temporary-folders.ts";

const fixtures = fileURLToPath(
  new URL("../fixtures/sources/", import.meta.url),
);
const armoryRoot = join(fixtures, "armory");
const splunkRoot = join(fixtures, "security_content");

test("detectReader recognises each layout", () => {
  assert.equal(detectReader(armoryRoot)?.kind, "armory");
  assert.equal(detectReader(splunkRoot)?.kind, "splunk");
  const empty = temporaryFolder("ruleatlas-empty-");
  assert.equal(detectReader(empty), undefined);
});

test("armory reader reads nested and missing technique ids", () => {
  const content = armoryReader.read(armoryRoot);
  const byId = new Map(content.rules.map((rule) => [rule.id, rule]));
  assert.deepEqual(byId.get("1.1")?.techniques, ["T1033"]);
  assert.deepEqual(byId.get("1.2")?.techniques, []);
  assert.ok(
    byId.get("1.2")?.diagnostics.some((d) => d.code === "missing-technique-id"),
  );
});

test("armory reader titles variants by data category", () => {
  const rule = armoryReader.read(armoryRoot).rules.find((r) => r.id === "1.2");
  assert.equal(
    rule?.displayTitle,
    "No Technique Id - Windows (Windows Sysmon, Process command-line parameters)",
  );
  assert.equal(rule?.slug, "no_technique-dash-windows-splunk-sysmon");
  assert.equal(
    rule?.path,
    "detections/endpoint/odd_cases/no_technique–dash-windows-splunk-sysmon.yml",
  );
});

test("armory reader reports broken YAML with its position", () => {
  const content = armoryReader.read(armoryRoot);
  const problem = content.diagnostics.find((d) =>
    d.file?.endsWith("broken_quote-windows-splunk-edr.yml"),
  );
  assert.ok(problem, "expected a diagnostic for the broken file");
  assert.equal(problem.severity, "error");
  assert.equal(problem.code, "yaml-syntax");
  assert.equal(typeof problem.line, "number");
  assert.equal(typeof problem.column, "number");
  assert.equal(content.rules.length, 3);
});

test("armory reader maps logic_format to languages", () => {
  const rules = armoryReader.read(armoryRoot).rules;
  assert.equal(rules.find((r) => r.id === "1.4")?.language, "snowflake-sql");
  assert.equal(rules.find((r) => r.id === "1.1")?.language, "spl");
});

test("splunk reader reads detections and skips others", () => {
  const content = splunkReader.read(splunkRoot);
  assert.equal(content.rules.length, 1);
  assert.equal(content.skipped, 1);
  const rule = content.rules[0];
  assert.equal(rule.title, "Whoami Run");
  assert.deepEqual(rule.techniques, ["T1033"]);
  assert.deepEqual(rule.dataSources, ["Sysmon EventID 1"]);
  assert.deepEqual(rule.tags.analytic_story, ["Discovery"]);
  assert.equal(rule.path, "detections/endpoint/whoami_run.yml");
  assert.equal(rule.queryLine, 11);
});

test("readRuleFile picks the reader from the file's keys", () => {
  const armory = readRuleFile(
    join(
      armoryRoot,
      "detections/endpoint/odd_cases/nested_techniques-windows-splunk-edr.yml",
    ),
  );
  assert.equal(armory.rules[0]?.source, "armory");
  const splunk = readRuleFile(
    join(splunkRoot, "detections/endpoint/whoami_run.yml"),
  );
  assert.equal(splunk.rules[0]?.source, "splunk");
  assert.equal(splunk.rules[0]?.path, "detections/endpoint/whoami_run.yml");
  const unknown = readRuleFile(join(armoryRoot, "README.md"));
  assert.equal(unknown.rules.length, 0);
  assert.equal(unknown.diagnostics[0]?.code, "unknown-rule-format");
});

test("readers skip links that leave the repository", () => {
  const folder = temporaryFolder("ruleatlas-links-");
  const root = join(folder, "repo");
  cpSync(armoryRoot, root, { recursive: true });
  const outside = join(folder, "outside");
  mkdirSync(outside);
  writeFileSync(
    join(outside, "secret-splunk-edr.yml"),
    "id: '9'\ntitle: Outside\ndescription: x\nlogic_format: Splunk\nlogic: a=1\ntechniques: []\ntechnique_id: []\ndata_category: []\n",
  );
  symlinkSync(outside, join(root, "detections", "escape"));
  symlinkSync(
    join(outside, "secret-splunk-edr.yml"),
    join(root, "detections", "escape.yml"),
  );
  const content = armoryReader.read(root);
  assert.ok(!content.rules.some((rule) => rule.id === "9"));
  assert.equal(
    content.diagnostics.filter((d) => d.code === "link-outside-root").length,
    2,
  );
});
