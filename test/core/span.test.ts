import { test } from "node:test";
import assert from "node:assert/strict";
import { LineIndex } from "../../src/core/span.ts";

test("LineIndex maps offsets to lines and columns", () => {
  const index = new LineIndex("ab\ncd\n\nef");
  assert.deepEqual(index.position(0), { line: 1, column: 1 });
  assert.deepEqual(index.position(3), { line: 2, column: 1 });
  assert.deepEqual(index.position(4), { line: 2, column: 2 });
  assert.deepEqual(index.position(6), { line: 3, column: 1 });
  assert.deepEqual(index.position(7), { line: 4, column: 1 });
});

test("LineIndex builds spans with end positions", () => {
  const span = new LineIndex("x\nyz").span(2, 4);
  assert.equal(span.line, 2);
  assert.equal(span.column, 1);
  assert.equal(span.endLine, 2);
  assert.equal(span.endColumn, 3);
});
