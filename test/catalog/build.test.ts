import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BuildError, buildCatalog } from "../../src/catalog/build.ts";
import { openCatalog } from "../../src/catalog/store.ts";
import { temporaryFolder } from "../support/temporary-folders.ts";

const fixtures = fileURLToPath(
  new URL("../fixtures/sources/", import.meta.url),
);
const inputs = [join(fixtures, "armory"), join(fixtures, "security_content")];

test("build writes database and report", () => {
  const outDir = join(temporaryFolder("ruleatlas-build-"), "atlas");
  const summary = buildCatalog({ inputs, outDir });
  assert.equal(summary.rulesRead, 4);
  assert.deepEqual(
    summary.repositories.map((repository) => [
      repository.kind,
      repository.rules,
    ]),
    [
      ["armory", 3],
      ["splunk", 1],
    ],
  );
  assert.equal(summary.diagnosticsByKind["error yaml-syntax"] > 0, true);
  assert.ok(existsSync(join(outDir, "catalog.db")));
  const report = readFileSync(join(outDir, "build-report.txt"), "utf8");
  assert.match(
    report,
    /broken_quote-windows-splunk-edr\.yml:\d+:\d+: error \[yaml-syntax\]/,
  );
  const catalog = openCatalog(join(outDir, "catalog.db"));
  try {
    assert.equal(catalog.listRules().length, 4);
    assert.equal(catalog.listRules({ source: "splunk" }).length, 1);
    assert.equal(catalog.listRules({ text: "whoami" }).length, 2);
    assert.equal(catalog.getRule("whoami_run")?.rule.title, "Whoami Run");
    assert.equal(catalog.getRule("missing"), undefined);
  } finally {
    catalog.close();
  }
});

test("build searches one level down for repositories", () => {
  const summary = buildCatalog({
    inputs: [fixtures],
    outDir: join(temporaryFolder("ruleatlas-build-"), "atlas"),
  });
  assert.equal(summary.rulesRead, 4);
});

test("failed build keeps the previous catalog", () => {
  const outDir = join(temporaryFolder("ruleatlas-build-"), "atlas");
  buildCatalog({ inputs, outDir });
  const before = readFileSync(join(outDir, "catalog.db"));
  assert.throws(() =>
    buildCatalog({
      inputs,
      outDir,
      writeSite: () => {
        throw new Error("disk full");
      },
    }),
  );
  assert.deepEqual(readFileSync(join(outDir, "catalog.db")), before);
});

test("build refuses a folder that is not a catalog", () => {
  const outDir = temporaryFolder("ruleatlas-build-");
  writeFileSync(join(outDir, "notes.txt"), "keep me");
  assert.throws(() => buildCatalog({ inputs, outDir }), BuildError);
  assert.equal(readFileSync(join(outDir, "notes.txt"), "utf8"), "keep me");
});

test("build rejects a missing input folder", () => {
  assert.throws(
    () =>
      buildCatalog({
        inputs: [join(fixtures, "nowhere")],
        outDir: join(temporaryFolder("ruleatlas-build-"), "atlas"),
      }),
    /Input folder not found/,
  );
});

test("build rejects a folder without repositories", () => {
  const empty = temporaryFolder("ruleatlas-build-");
  mkdirSync(join(empty, "nothing"));
  assert.throws(
    () =>
      buildCatalog({
        inputs: [empty],
        outDir: join(temporaryFolder("ruleatlas-build-"), "atlas"),
      }),
    /No rule repository recognised/,
  );
});

test("build of no rules keeps the catalog", () => {
  const outDir = join(temporaryFolder("ruleatlas-build-"), "atlas");
  buildCatalog({ inputs, outDir });
  const before = readFileSync(join(outDir, "catalog.db"));
  const empty = temporaryFolder("ruleatlas-build-");
  assert.throws(
    () => buildCatalog({ inputs: [empty], outDir, source: "armory" }),
    /No rules found in .*; the catalog was not replaced/,
  );
  assert.deepEqual(readFileSync(join(outDir, "catalog.db")), before);
});

test("build counts unreadable rule files", () => {
  const summary = buildCatalog({
    inputs,
    outDir: join(temporaryFolder("ruleatlas-build-"), "atlas"),
  });
  assert.equal(summary.filesFailed, 1);
  assert.deepEqual(
    summary.repositories.map((repository) => repository.failed),
    [1, 0],
  );
});
