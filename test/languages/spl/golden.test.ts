import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type {
  MacroDefinition,
  MacroLibrary,
} from "../../../src/languages/registry.ts";
import {
  addMacro,
  loadMacroDirectory,
} from "../../../src/languages/spl/macros.ts";
import { analyseSpl } from "../../../src/languages/spl/index.ts";

// Each folder under test/fixtures/spl contains query.spl, expected.json and
// optionally macros.yml (a list of macro definitions) or a macros/ folder
// in security_content layout. UPDATE_GOLDEN=1 rewrites expected.json.
const fixtures = new URL("../../fixtures/spl/", import.meta.url).pathname;
const update = process.env.UPDATE_GOLDEN === "1";

function readMacros(dir: string): MacroLibrary | undefined {
  const folder = join(dir, "macros");
  if (existsSync(folder)) return loadMacroDirectory(folder).value;
  const file = join(dir, "macros.yml");
  if (!existsSync(file)) return undefined;
  const library: MacroLibrary = new Map();
  const list = parseYaml(readFileSync(file, "utf8")) as MacroDefinition[];
  for (const item of list) {
    addMacro(library, {
      name: item.name,
      arguments: item.arguments ?? [],
      definition: item.definition ?? "",
    });
  }
  return library;
}

/** JSON with each span on one line, so golden diffs stay readable. */
export function toGoldenJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trimEnd().endsWith('"span": {')) {
      const parts: string[] = [];
      let j = i + 1;
      while (!lines[j].trim().startsWith("}")) {
        parts.push(lines[j].trim());
        j++;
      }
      out.push(`${line.trimEnd()} ${parts.join(" ")} ${lines[j].trim()}`);
      i = j;
      continue;
    }
    out.push(line);
  }
  return out.join("\n") + "\n";
}

const cases = existsSync(fixtures)
  ? readdirSync(fixtures, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
  : [];

test("golden fixtures exist", () => {
  assert.ok(cases.length >= 60, `only ${cases.length} SPL golden cases`);
});

for (const name of cases) {
  test(`golden ${name}`, () => {
    const dir = join(fixtures, name);
    let query = readFileSync(join(dir, "query.spl"), "utf8");
    if (query.endsWith("\n")) query = query.slice(0, -1);
    const result = analyseSpl(query, readMacros(dir));
    const actual = toGoldenJson(result.value);
    const expectedFile = join(dir, "expected.json");
    if (update) {
      writeFileSync(expectedFile, actual);
      return;
    }
    assert.ok(
      existsSync(expectedFile),
      `${expectedFile} is missing; write it with UPDATE_GOLDEN=1 and review it`,
    );
    assert.equal(actual, readFileSync(expectedFile, "utf8"));
  });
}
