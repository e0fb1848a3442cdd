import { test } from "node:test";
import assert from "node:assert/strict";
import type { IndicatorCount, TechniqueRef } from "../../src/catalog/entry.ts";
import {
  diagnosticLocation,
  formatCorpusCount,
  groupIndicators,
  orderSources,
  orderTactics,
  sourceLabel,
} from "../../src/site/format.ts";

function indicator(
  field: string,
  value: string,
  others = 0,
  bySource: IndicatorCount["bySource"] = {},
): IndicatorCount {
  return { field, kind: "eq", value, others, bySource };
}

function technique(id: string, tactics: string[]): TechniqueRef {
  return { declaredId: id, id, name: id, tactics };
}

test("corpus count lists sources by count", () => {
  const text = formatCorpusCount(
    indicator("event.code", "4104", 12, { armory: 3, splunk: 9 }),
  );
  assert.equal(text, "corpus 12 (splunk 9, armory 3)");
});

test("corpus count drops empty sources", () => {
  const text = formatCorpusCount(
    indicator("event.code", "4104", 2, { sigma: 0, splunk: 2 }),
  );
  assert.equal(text, "corpus 2 (splunk 2)");
});

test("corpus count of zero", () => {
  assert.equal(
    formatCorpusCount(indicator("a", "b")),
    "corpus 0 (only this rule)",
  );
});

test("numeric indicator values sort as numbers", () => {
  const groups = groupIndicators([
    indicator("destination.port", "8080"),
    indicator("destination.port", "443"),
    indicator("destination.port", "80"),
    indicator("destination.port", "3389"),
  ]);
  assert.deepEqual(
    groups[0].map((row) => row.value),
    ["80", "443", "3389", "8080"],
  );
});

test("text indicator values keep rule order", () => {
  const groups = groupIndicators([
    indicator("process.name", "nmap.exe"),
    indicator("process.name", "443"),
    indicator("process.name", "arp.exe"),
  ]);
  assert.deepEqual(
    groups[0].map((row) => row.value),
    ["nmap.exe", "443", "arp.exe"],
  );
});

test("indicator groups keep first appearance", () => {
  const groups = groupIndicators([
    indicator("b", "2"),
    indicator("a", "1"),
    indicator("b", "1"),
  ]);
  assert.deepEqual(
    groups.map((group) => group.map((row) => `${row.field}=${row.value}`)),
    [["b=1", "b=2"], ["a=1"]],
  );
});

test("tactics merge in matrix order", () => {
  const order = orderTactics([
    technique("T1", ["Persistence"]),
    technique("T2", ["Initial Access", "Persistence", "Privilege Escalation"]),
    technique("T3", ["Discovery"]),
  ]);
  assert.deepEqual(order, [
    "Initial Access",
    "Persistence",
    "Privilege Escalation",
    "Discovery",
  ]);
});

test("tactic cycles end without hanging", () => {
  const order = orderTactics([
    technique("T1", ["A", "B"]),
    technique("T2", ["B", "A"]),
  ]);
  assert.deepEqual([...order].sort(), ["A", "B"]);
});

test("sources order known kinds first", () => {
  assert.deepEqual(
    orderSources(["zeta", "sigma", "armory", "splunk", "alpha"]),
    ["armory", "splunk", "sigma", "alpha", "zeta"],
  );
});

test("source labels ignore prototype keys", () => {
  assert.equal(sourceLabel("constructor"), "constructor");
  assert.equal(sourceLabel("splunk"), "Splunk security_content");
});

test("diagnostic location prefers the file", () => {
  const span = {
    start: 0,
    end: 1,
    line: 2,
    column: 3,
    endLine: 2,
    endColumn: 4,
  };
  assert.equal(
    diagnosticLocation({
      severity: "error",
      code: "x",
      message: "m",
      line: 7,
      column: 9,
      span,
    }),
    "7:9",
  );
  assert.equal(
    diagnosticLocation({ severity: "error", code: "x", message: "m", span }),
    "query 2:3",
  );
  assert.equal(
    diagnosticLocation({ severity: "error", code: "x", message: "m" }),
    "no position",
  );
});
