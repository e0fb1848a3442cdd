import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import type { RuleRecord } from "../../src/core/rule.ts";
import { sigmaLanguage } from "../../src/languages/sigma/index.ts";
import { checkCorrelationReferences } from "../../src/sources/sigma-correlations.ts";
import {
  readSigmaText,
  sigmaReader,
  tacticsOf,
  techniquesOf,
} from "../../src/sources/sigma.ts";

const repository = fileURLToPath(
  new URL("../fixtures/sigma/_repository/", import.meta.url),
);

function byTitle(rules: RuleRecord[], title: string): RuleRecord {
  const rule = rules.find((candidate) => candidate.title === title);
  assert.ok(rule, `no rule titled ${title}`);
  return rule;
}

test("sigma reader detects a Sigma repository", () => {
  assert.equal(sigmaReader.detect(repository), true);
});

test("sigma reader reads rules and skips other YAML", () => {
  const content = sigmaReader.read(repository);
  assert.deepEqual(content.rules.map((rule) => rule.title).sort(), [
    "Whoami burst",
    "Whoami execution",
  ]);
  assert.equal(content.skipped, 1);
  assert.deepEqual(content.diagnostics, []);
});

test("sigma reader applies filters across files", () => {
  const rule = byTitle(sigmaReader.read(repository).rules, "Whoami execution");
  const analysis = sigmaLanguage.analyse({
    query: rule.query,
    queryData: rule.queryData,
  }).value;
  const filterStages = analysis.stages.filter((stage) =>
    stage.command.startsWith("filter: "),
  );
  assert.deepEqual(filterStages.map((stage) => stage.command).sort(), [
    "filter: Admin hosts",
    "filter: Lab hosts",
  ]);
  const exclusions = analysis.predicates.filter(
    (predicate) => predicate.role === "exclusion",
  );
  assert.deepEqual(
    exclusions.map((predicate) => predicate.field),
    ["Computer", "Computer"],
  );
  assert.ok(exclusions.every((predicate) => predicate.negated));
  assert.deepEqual(analysis.diagnostics, []);
});

test("sigma reader leaves filters off correlations", () => {
  const rule = byTitle(sigmaReader.read(repository).rules, "Whoami burst");
  assert.equal(rule.type, "correlation");
  const analysis = sigmaLanguage.analyse({
    query: rule.query,
    queryData: rule.queryData,
  }).value;
  assert.deepEqual(
    analysis.references.map((reference) => reference.name),
    ["whoami_execution"],
  );
  assert.equal(analysis.thresholds[0]?.field, "count");
  assert.equal(analysis.thresholds[0]?.value, "5");
});

test("sigma reader fills record fields", () => {
  const rule = byTitle(sigmaReader.read(repository).rules, "Whoami execution");
  assert.equal(rule.source, "sigma");
  assert.equal(rule.language, "sigma");
  assert.equal(rule.path, "rules/proc_creation_whoami.yml");
  assert.equal(rule.slug, "proc_creation_whoami");
  assert.equal(rule.severity, "low");
  assert.equal(rule.queryLine, 8);
  assert.equal(rule.bodyFormat, "yaml");
  assert.ok(rule.query.startsWith("detection:\n"));
  assert.ok(rule.body.startsWith("title: Whoami execution"));
});

test("sigma reader reports a condition outside detection", () => {
  const text = [
    "title: Misplaced",
    "id: 1",
    "logsource:",
    "    product: windows",
    "detection:",
    "    selection:",
    "        a: b",
    "condition: selection",
    "",
  ].join("\n");
  const [rule] = readSigmaText(text, "misplaced.yml").rules;
  const diagnostic = rule.record.diagnostics[0];
  assert.equal(diagnostic?.code, "sigma-no-condition");
  assert.equal(diagnostic?.severity, "error");
  assert.equal(diagnostic?.line, 5);
  assert.match(diagnostic?.message ?? "", /^detection has no condition/);
  assert.match(diagnostic?.message ?? "", /line 8/);
});

test("sigma reader turns YAML errors into diagnostics", () => {
  const content = readSigmaText("title: x\ndetection: [\n", "broken.yml");
  assert.equal(content.rules.length, 0);
  assert.equal(content.diagnostics[0]?.severity, "error");
  assert.equal(content.diagnostics[0]?.file, "broken.yml");
  assert.ok((content.diagnostics[0]?.line ?? 0) >= 1);
});

test("ATT&CK techniques and tactics from tags", () => {
  const tags = [
    "attack.t1059.001",
    "attack.T1003",
    "attack.execution",
    "attack.stealth",
    "attack.ta0112",
    "attack.g0016",
    "attack.s0154",
    "car.2013-05-004",
  ];
  assert.deepEqual(techniquesOf(tags), ["T1059.001", "T1003"]);
  assert.deepEqual(tacticsOf(tags), ["execution", "stealth", "TA0112"]);
});

test("sigma reader warns of unknown correlated rules", () => {
  const burst = byTitle(sigmaReader.read(repository).rules, "Whoami burst");
  assert.deepEqual(burst.diagnostics, []);

  const content = readSigmaText(
    "title: Burst\nid: c1\ncorrelation:\n  type: event_count\n  rules: [known, missing_rule]\n  timespan: 1m\n  condition: {gte: 2}\n---\ntitle: Known\nname: known\nlogsource: {product: windows}\ndetection:\n  sel: {a: 1}\n  condition: sel\n",
    "burst.yml",
  );
  checkCorrelationReferences(content.rules);
  const [correlation] = content.rules;
  assert.deepEqual(
    correlation.record.diagnostics.map((item) => [
      item.code,
      item.line,
      item.column,
    ]),
    [["sigma-correlation-rule-unknown", 5, 3]],
  );
  assert.match(correlation.record.diagnostics[0].message, /`missing_rule`/);
});
