import { test } from "node:test";
import assert from "node:assert/strict";
import { formatAnalysisText } from "../../../src/analysis/format-text.ts";
import { analyseSpl } from "../../../src/languages/spl/index.ts";

const query =
  '`get_data` (TERM(EventCode=4103) OR "<EventID>4103<") "masscan.exe" NOT user=svc | stats count by host | where count > 5 | `x_filter`';

test("text view lists every section", () => {
  const text = formatAnalysisText(analyseSpl(query).value);
  for (const heading of [
    "Stages",
    "Indicators",
    "Exclusions",
    "Thresholds",
    "Search terms",
    "Macros, lookups and data sources",
    "Logic",
    "Diagnostics: none",
  ]) {
    assert.ok(text.includes(heading), `missing ${heading}`);
  }
});

test("text view keeps full stage text", () => {
  const long = `index=main ${"x".repeat(3000)}`;
  const text = formatAnalysisText(analyseSpl(long).value);
  assert.ok(text.includes(long));
});

test("text view shows items and logic", () => {
  const text = formatAnalysisText(analyseSpl(query).value);
  assert.ok(text.includes('P0 EventCode eq "4103"'));
  assert.ok(text.includes("from xml-event-id"));
  assert.ok(text.includes('NOT user eq "svc"'));
  assert.ok(text.includes("H0 count > 5"));
  assert.ok(text.includes('T2 "masscan.exe"'));
  assert.ok(text.includes("macro x_filter  (stage 4, tuning-hook)"));
  assert.ok(text.includes("opaque `get_data`"));
  assert.ok(!/\bT\d+ TERM\b(?!\()/.test(text), "TERM shown as a term");
});

test("text view lists diagnostics", () => {
  const text = formatAnalysisText(analyseSpl("a OR b c").value);
  assert.ok(text.includes("warning [spl-precedence-sensitive]"));
});

test("text view separates data selection", () => {
  const text = formatAnalysisText(
    analyseSpl("index=win sourcetype=xmlwineventlog EventCode=1").value,
  );
  const selection = text.slice(
    text.indexOf("Data selection"),
    text.indexOf("Thresholds"),
  );
  assert.ok(selection.includes('index eq "win"'), selection);
  assert.ok(selection.includes('sourcetype eq "xmlwineventlog"'), selection);
  const indicators = text.slice(
    text.indexOf("Indicators"),
    text.indexOf("Exclusions"),
  );
  assert.ok(!indicators.includes("index"), indicators);
  assert.ok(indicators.includes('EventCode eq "1"'), indicators);
});
