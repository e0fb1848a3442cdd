import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDiagnostic } from "../../src/core/diagnostic.ts";

test("formatDiagnostic names file, rule and position", () => {
  const text = formatDiagnostic({
    severity: "error",
    code: "spl-unbalanced-quote",
    message: "Unclosed quote.",
    file: "rules/a.yml",
    line: 4,
    column: 9,
    ruleId: "42",
    ruleTitle: "Rule A",
  });
  assert.equal(
    text,
    'rules/a.yml:4:9: error [spl-unbalanced-quote] rule 42 "Rule A": Unclosed quote.',
  );
});

test("formatDiagnostic leaves out an empty rule id", () => {
  const text = formatDiagnostic({
    severity: "warning",
    code: "missing-id",
    message: "Rule has no id.",
    file: "b.yml",
    ruleId: "",
    ruleTitle: "Rule B",
  });
  assert.equal(
    text,
    'b.yml: warning [missing-id] rule "Rule B": Rule has no id.',
  );
});

test("formatDiagnostic uses the span without a file", () => {
  const text = formatDiagnostic({
    severity: "info",
    code: "x",
    message: "Note.",
    span: { start: 0, end: 1, line: 2, column: 3, endLine: 2, endColumn: 4 },
  });
  assert.equal(text, "2:3: info [x] Note.");
});
