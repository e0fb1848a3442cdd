import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { buildCatalog } from "../../src/catalog/build.ts";
import { startServer, type RunningServer } from "../../src/server/server.ts";
import { registerAll } from "../../src/setup.ts";
import { RULE_SECTION_IDS } from "../site/sections.ts";

// Debian's chromium package; the test never downloads a browser.
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));
const TIMEOUT_MS = 15_000;

function skipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  if (process.env.RULEATLAS_REQUIRE_BROWSER === "1") return undefined;
  return `${CHROMIUM} not found; install Debian's chromium package to run the browser test`;
}

describe("catalog in a browser", { skip: skipReason() }, () => {
  let workDir: string;
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} not found, and RULEATLAS_REQUIRE_BROWSER=1 requires it`,
    );
    registerAll();
    workDir = mkdtempSync(path.join(tmpdir(), "ruleatlas-browser-"));
    const outDir = path.join(workDir, "catalog");
    buildCatalog({
      inputs: [EXAMPLES],
      outDir,
    });

    server = await startServer({
      dir: outDir,
      port: 0,
      logger: pino({ level: "silent" }),
    });
    context = await chromium.launchPersistentContext(
      path.join(workDir, "profile"),
      {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: TIMEOUT_MS,
      },
    );
    context.setDefaultTimeout(TIMEOUT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("index lists rules by source", async () => {
    await page.goto(server.url);
    assert.equal(await page.locator("h1#title").textContent(), "RuleAtlas");

    const groups = page.locator("section.source-group");
    assert.ok((await groups.count()) >= 2, "at least two source groups");
    const rows = page.locator("tr[data-search]");
    assert.ok((await rows.count()) >= 2, "at least two rules");
    assert.match(
      (await page.locator("#filter-status").textContent()) ?? "",
      /^Showing \d+ of \d+ rules$/,
    );
  });

  test("index text filter hides rows", async () => {
    await page.goto(server.url);
    const rows = page.locator("tr[data-search]");
    const total = await rows.count();
    const firstTitle = (await rows.first().locator("a").textContent()) ?? "";

    await page.fill("#filter-text", firstTitle);
    const visible = page.locator("tr[data-search]:visible");
    assert.ok((await visible.count()) >= 1, "the first rule stays visible");
    assert.ok((await visible.count()) < total, "other rules are hidden");
    assert.match(page.url(), /\?q=/);

    await page.fill("#filter-text", "no rule has this text zzzz");
    assert.equal(await visible.count(), 0);
    assert.equal(
      await page.locator("#filter-status").textContent(),
      `Showing 0 of ${total} rules`,
    );
  });

  test("index source filter keeps one source", async () => {
    await page.goto(`${server.url}?source=splunk`);
    assert.equal(await page.locator("#filter-source").inputValue(), "splunk");
    const visibleSources = await page
      .locator("tr[data-search]:visible")
      .evaluateAll((rows) =>
        rows.map((row) => row.getAttribute("data-source")),
      );
    assert.ok(visibleSources.length > 0, "some splunk rules are shown");
    assert.deepEqual([...new Set(visibleSources)], ["splunk"]);

    await page.selectOption("#filter-source", "");
    const all = await page.locator("tr[data-search]:visible").count();
    assert.ok(all > visibleSources.length, "all sources are shown again");
  });

  test("rule page has every section", async () => {
    await page.goto(server.url);
    const link = page.locator("tr[data-search] a").first();
    const title = (await link.textContent())?.trim();
    await Promise.all([page.waitForURL(/\/rules\/.+\.html$/), link.click()]);

    assert.equal((await page.locator("h1#title").textContent())?.trim(), title);
    const crumbs = page.locator("nav#breadcrumb a");
    assert.equal(await crumbs.count(), 2);
    assert.equal(await crumbs.first().textContent(), "Catalog");
    for (const id of RULE_SECTION_IDS) {
      const heading = page.locator(`section#${id} > h2`);
      assert.equal(await heading.count(), 1, `#${id} has a heading`);
      assert.ok(await heading.isVisible(), `#${id} heading is visible`);
    }
    const body = (await page.locator("section#body pre").textContent()) ?? "";
    assert.ok(body.length > 0, "rule body is shown");
  });

  test("breadcrumb returns to the filtered index", async () => {
    await page.locator("nav#breadcrumb a").nth(1).click();
    await page.waitForURL(/index\.html\?source=/);
    const source = await page.locator("#filter-source").inputValue();
    assert.notEqual(source, "");
    const visibleSources = await page
      .locator("tr[data-search]:visible")
      .evaluateAll((rows) =>
        rows.map((row) => row.getAttribute("data-source")),
      );
    assert.deepEqual([...new Set(visibleSources)], [source]);
  });

  test("pages raise no script errors", () => {
    assert.deepEqual(pageErrors, []);
  });
});
