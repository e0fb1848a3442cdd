import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { CatalogReader } from "../../src/catalog/entry.ts";
import { CatalogWriter } from "../../src/catalog/store.ts";
import { startServer, type RunningServer } from "../../src/server/server.ts";
import { writeSite } from "../../src/site/write.ts";
import {
  loadEntries,
  memoryCatalog,
  summarise,
} from "../fixtures/catalog/load.ts";

/** Creates a pino logger that keeps each record in memory. */
function memoryLogger() {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      records.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, stream), records };
}

/** Writes a catalog folder: site/ from the fixtures and, if asked, catalog.db. */
function writeCatalog(withDatabase: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ruleatlas-server-"));
  const entries = loadEntries();
  writeSite(entries, entries.map(summarise), path.join(dir, "site"), {
    title: "RuleAtlas test catalog",
    builtAt: "2026-01-02T03:04:05.000Z",
    attackVersion: "19.0",
  });
  if (withDatabase) {
    const writer = new CatalogWriter(path.join(dir, "catalog.db"));
    writer.addEntries(entries);
    writer.close();
  }
  return dir;
}

/** Sends a request without URL normalisation, so `..` reaches the server. */
async function rawGet(url: string, target: string): Promise<Response> {
  const { request } = await import("node:http");
  const base = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path: target, method: "GET" },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          resolve(
            new Response(Buffer.concat(chunks), {
              status: res.statusCode,
              headers: res.headers as Record<string, string>,
            }),
          );
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("server over a SQLite catalog", () => {
  let dir: string;
  let server: RunningServer;
  let log: ReturnType<typeof memoryLogger>;

  before(async () => {
    dir = writeCatalog(true);
    log = memoryLogger();
    server = await startServer({ dir, port: 0, logger: log.logger });
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("binds to 127.0.0.1", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test("logs the start with its URL", () => {
    const started = log.records.find((r) => r.msg === "server started");
    assert.ok(started);
    assert.equal(started.url, server.url);
  });

  test("serves the index page", async () => {
    const response = await fetch(server.url);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-type"),
      "text/html; charset=utf-8",
    );
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.match(
      response.headers.get("content-security-policy") ?? "",
      /script-src 'self'/,
    );
    assert.match(
      await response.text(),
      /<h1 id="title">RuleAtlas test catalog<\/h1>/,
    );
  });

  test("serves rule pages and assets", async () => {
    const page = await fetch(`${server.url}rules/splunk-empty_rule.html`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<h1 id="title">Empty Rule<\/h1>/);

    const css = await fetch(`${server.url}assets/site.css`);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    const js = await fetch(`${server.url}assets/index.js`);
    assert.equal(
      js.headers.get("content-type"),
      "text/javascript; charset=utf-8",
    );
    const svg = await fetch(`${server.url}assets/favicon.svg`);
    assert.equal(svg.headers.get("content-type"), "image/svg+xml");
  });

  test("answers HEAD without a body", async () => {
    const response = await fetch(server.url, { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.ok(Number(response.headers.get("content-length")) > 0);
    assert.equal(await response.text(), "");
  });

  test("redirects a folder to its slash", async () => {
    const response = await fetch(`${server.url}rules`, { redirect: "manual" });
    assert.equal(response.status, 301);
    assert.equal(response.headers.get("location"), "/rules/");
  });

  test("redirect stays on this host", async () => {
    const response = await rawGet(server.url, "//rules");
    assert.equal(response.status, 301);
    assert.equal(response.headers.get("location"), "/rules/");
  });

  test("returns a 404 page", async () => {
    const response = await fetch(`${server.url}rules/%3Cscript%3Enope.html`);
    assert.equal(response.status, 404);
    assert.equal(
      response.headers.get("content-type"),
      "text/html; charset=utf-8",
    );
    const text = await response.text();
    assert.match(text, /Not found/);
    assert.ok(!text.includes("<script>"), "path is escaped");
    assert.ok(text.includes("&lt;script&gt;nope.html"));
  });

  test("rejects path traversal", async () => {
    writeFileSync(path.join(dir, "secret.txt"), "secret");
    for (const target of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/rules/%2E%2E/%2E%2E/secret.txt",
      "/..%2fsecret.txt",
      "/..%5csecret.txt",
      "/rules/..%5c..%5csecret.txt",
      "/%00",
      "/%E0%A4%A",
    ]) {
      const response = await rawGet(server.url, target);
      assert.ok(
        response.status === 400 || response.status === 404,
        `${target} gives ${response.status}`,
      );
      assert.ok(!(await response.text()).includes("secret"), target);
    }
  });

  test("does not follow links out of the site", async () => {
    writeFileSync(path.join(dir, "secret.txt"), "secret");
    symlinkSync(
      path.join(dir, "secret.txt"),
      path.join(dir, "site", "link.txt"),
    );
    const response = await fetch(`${server.url}link.txt`);
    assert.equal(response.status, 404);
  });

  test("rejects methods other than GET", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await fetch(`${server.url}api/rules`, { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get("allow"), "GET, HEAD");
    }
  });

  test("logs rejected requests", () => {
    const rejected = log.records.filter((r) => r.msg === "request rejected");
    assert.ok(rejected.some((r) => r.status === 405 && r.method === "POST"));
    assert.ok(rejected.some((r) => r.status === 404));
  });

  test("API lists rules", async () => {
    const response = await fetch(`${server.url}api/rules`);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("content-type"),
      "application/json; charset=utf-8",
    );
    const body = (await response.json()) as {
      count: number;
      rules: { slug: string }[];
    };
    assert.equal(body.count, 3);
    assert.deepEqual(body.rules.map((rule) => rule.slug).sort(), [
      "armory-port_scanner_execution_powershell",
      "splunk-empty_rule",
      "splunk-hostile_rule",
    ]);
  });

  test("API filters by source", async () => {
    const response = await fetch(`${server.url}api/rules?source=armory`);
    const body = (await response.json()) as {
      count: number;
      rules: { source: string }[];
    };
    assert.equal(body.count, 1);
    assert.equal(body.rules[0].source, "armory");
  });

  test("API filters by text", async () => {
    const response = await fetch(`${server.url}api/rules?q=scanner`);
    const body = (await response.json()) as { rules: { slug: string }[] };
    assert.deepEqual(
      body.rules.map((rule) => rule.slug),
      ["armory-port_scanner_execution_powershell"],
    );
  });

  test("API rejects an unknown source", async () => {
    const response = await fetch(`${server.url}api/rules?source=nope`);
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string };
    assert.match(body.error, /Invalid source "nope"; expected one of armory/);
  });

  test("API returns one rule", async () => {
    const response = await fetch(`${server.url}api/rules/splunk-hostile_rule`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { rule: { title: string } };
    assert.equal(body.rule.title, "<script>alert('title')</script>");
  });

  test("API returns 404 for unknown rules", async () => {
    const response = await fetch(`${server.url}api/rules/splunk-missing`);
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: string };
    assert.equal(body.error, 'No rule with slug or id "splunk-missing".');
  });

  test("API finds a rule by its id", async () => {
    const response = await fetch(`${server.url}api/rules/90001.00001`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { rule: { slug: string } };
    assert.equal(body.rule.slug, "armory-port_scanner_execution_powershell");
  });

  test("API rejects unsafe slugs", async () => {
    const response = await rawGet(server.url, "/api/rules/..%2F..%2Fetc");
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string };
    assert.match(body.error, /Invalid rule slug/);
  });

  test("API returns 404 for unknown routes", async () => {
    const response = await fetch(`${server.url}api/nothing`);
    assert.equal(response.status, 404);
    assert.match(
      ((await response.json()) as { error: string }).error,
      /No API route/,
    );
  });
});

describe("server lifecycle", () => {
  test("rejects a folder without a site", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ruleatlas-server-"));
    try {
      const { logger } = memoryLogger();
      await assert.rejects(
        startServer({ dir, port: 0, logger }),
        /No site folder at .*site\. Build the catalog first/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("rejects a folder without a database", async () => {
    const dir = writeCatalog(false);
    try {
      const { logger } = memoryLogger();
      await assert.rejects(
        startServer({ dir, port: 0, logger }),
        /No catalog database at .*catalog\.db\. Build the catalog first/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("close logs the stop once", async () => {
    const dir = writeCatalog(false);
    const catalog = memoryCatalog(loadEntries());
    const { logger, records } = memoryLogger();
    const server = await startServer({ dir, port: 0, logger, catalog });
    const keepAlive = await fetch(server.url);
    assert.equal(keepAlive.status, 200);
    await keepAlive.text();

    await server.close();
    await server.close();
    assert.equal(records.filter((r) => r.msg === "server stopped").length, 1);
    assert.equal(catalog.closed, false, "a given catalog stays open");
    await assert.rejects(fetch(server.url));
    rmSync(dir, { recursive: true, force: true });
  });

  test("logs failed requests with a 500", async () => {
    const dir = writeCatalog(false);
    const failing: CatalogReader = {
      listRules() {
        throw new Error("database is locked");
      },
      getRule() {
        return undefined;
      },
      findRulesById() {
        return [];
      },
      close() {},
    };
    const { logger, records } = memoryLogger();
    const server = await startServer({
      dir,
      port: 0,
      logger,
      catalog: failing,
    });
    try {
      const response = await fetch(`${server.url}api/rules`);
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), {
        error: "Internal server error.",
      });
      const failure = records.find((r) => r.msg === "request failed");
      assert.ok(failure);
      assert.equal(failure.level, 50);
      assert.equal(failure.url, "/api/rules");
      assert.match(JSON.stringify(failure.err), /database is locked/);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("reports a port in use", async () => {
    const dir = writeCatalog(false);
    const catalog = memoryCatalog([]);
    const { logger } = memoryLogger();
    const first = await startServer({ dir, port: 0, logger, catalog });
    try {
      const port = Number(new URL(first.url).port);
      await assert.rejects(
        startServer({ dir, port, logger, catalog }),
        /EADDRINUSE/,
      );
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
