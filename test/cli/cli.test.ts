import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runExplain } from "../../src/cli/explain.ts";
import { registerAll } from "../../src/setup.ts";
import { temporaryFolder } from "../support/temporary-folders.ts";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const fixtures = join(projectRoot, "test/fixtures/sources");
const whoami = join(
  fixtures,
  "security_content/detections/endpoint/whoami_run.yml",
);

registerAll();

function runCli(args: string[], input?: string) {
  return spawnSync(
    process.execPath,
    ["--import", "tsx", join(projectRoot, "src/cli/main.ts"), ...args],
    {
      cwd: projectRoot,
      input,
      encoding: "utf8",
      env: { ...process.env, RULEATLAS_LOG: "info" },
      timeout: 60_000,
    },
  );
}

test("explain prints a rule's analysis", () => {
  let text = "";
  const code = runExplain(whoami, {}, (chunk) => (text += chunk));
  assert.equal(code, 0);
  assert.match(text, /^Whoami Run$/m);
  assert.match(text, /ATT&CK: Discovery \/ T1033 System Owner\/User Discovery/);
  assert.match(text, /1\. tstats/);
  assert.match(text, /Processes\.process_name eq "whoami\.exe"/);
  assert.match(text, /whoami_run_filter .*tuning-hook/);
});

test("explain prints JSON with --json", () => {
  let text = "";
  runExplain(whoami, { json: true }, (chunk) => (text += chunk));
  const parsed = JSON.parse(text) as {
    rule: { id: string };
    analysis: { stages: unknown[] };
  };
  assert.equal(parsed.rule.id, "00000000-0000-0000-0000-000000000001");
  assert.equal(parsed.analysis.stages.length, 3);
});

test("explain reports a broken file and fails", () => {
  let text = "";
  const broken = join(
    fixtures,
    "armory/detections/endpoint/odd_cases/broken_quote-windows-splunk-edr.yml",
  );
  const code = runExplain(broken, {}, (chunk) => (text += chunk));
  assert.equal(code, 1);
  assert.match(
    text,
    /broken_quote-windows-splunk-edr\.yml:\d+:\d+: error \[yaml-syntax\]/,
  );
});

test("explain reads SPL from standard input", () => {
  const result = runCli(
    ["explain", "--language", "spl", "-"],
    'EventCode=4104 NOT user="SYSTEM" | where count > 3\n',
  );
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /EventCode eq "4104"/);
  assert.match(result.stdout, /Exclusions\n {2}P1 NOT user eq "SYSTEM"/);
});

test("explain without --language fails with one line", () => {
  const result = runCli(["explain", "-"], "a=1\n");
  assert.equal(result.status, 1);
  assert.match(result.stderr, /needs --language/);
});

test("build of a missing folder fails with one line", () => {
  const out = join(temporaryFolder("ruleatlas-cli-"), "atlas");
  const result = runCli(["build", join(fixtures, "nowhere"), "--out", out]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /Input folder not found/);
  assert.equal(
    result.stderr.trim().split("\n").length,
    2,
    "build started, then one error line",
  );
});

test("build rejects an unknown source", () => {
  const result = runCli([
    "build",
    fixtures,
    "--out",
    "/tmp/x",
    "--source",
    "elastic",
  ]);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /expected one of armory, splunk, sigma/);
});

test("build writes a catalog and a report", () => {
  const out = join(temporaryFolder("ruleatlas-cli-"), "atlas");
  const result = runCli(["build", fixtures, "--out", out]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /build finished/);
  assert.match(
    readFileSync(join(out, "build-report.txt"), "utf8"),
    /rules read: 4/,
  );
});

test("build with broken macros folder names it", () => {
  const folder = temporaryFolder("ruleatlas-cli-");
  writeFileSync(join(folder, "bad.yml"), "name: [unclosed\n");
  const result = runCli([
    "build",
    fixtures,
    "--out",
    join(folder, "atlas"),
    "--macros",
    folder,
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /bad\.yml/);
});
