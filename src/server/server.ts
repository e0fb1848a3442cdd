import { createReadStream, existsSync, statSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { CatalogReader } from "../catalog/entry.ts";
import { openFollowingCatalog } from "../catalog/store.ts";
import type { Logger } from "../core/logger.ts";
import { html } from "../site/html.ts";
import { handleApi } from "./api.ts";
import { contentType, lookupStatic } from "./static.ts";

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8080;

export interface ServerOptions {
  /** Catalog folder, as `ruleatlas build --out` wrote it: `site/` and `catalog.db`. */
  dir: string;
  /** Address to bind, 127.0.0.1 by default. */
  host?: string;
  /** TCP port, 8080 by default. Port 0 picks any free port. */
  port?: number;
  logger: Logger;
  /**
   * Reader the API uses instead of opening `<dir>/catalog.db`, such as an
   * in-memory catalog in tests. The server does not close a reader it was
   * given.
   */
  catalog?: CatalogReader;
}

export interface RunningServer {
  /** Base URL with a trailing slash, such as `http://127.0.0.1:8080/`. */
  url: string;
  /** Stops accepting requests, ends open connections and closes the catalog. */
  close(): Promise<void>;
}

// Pages load only their own scripts, styles and images. Rule text that got
// past escaping could then still not run inline script or load another site.
const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/**
 * Serves a built catalog: the static site under `<dir>/site` and the
 * read-only JSON API under `/api/rules` (see `handleApi`). Only GET and HEAD
 * are allowed. Logs the start with its URL, the stop, and every request that
 * ends in an error status.
 */
export async function startServer(
  options: ServerOptions,
): Promise<RunningServer> {
  const { logger } = options;
  const siteDir = path.resolve(options.dir, "site");
  if (!existsSync(options.dir)) {
    throw new Error(
      `Catalog folder not found: ${options.dir}. Build it first with ` +
        `"ruleatlas build DIR... --out ${options.dir}".`,
    );
  }
  if (!existsSync(siteDir) || !statSync(siteDir).isDirectory()) {
    throw new Error(
      `No site folder at ${siteDir}. Build the catalog first with ` +
        `"ruleatlas build DIR... --out ${options.dir}".`,
    );
  }
  const ownsCatalog = options.catalog === undefined;
  const catalog = options.catalog ?? openCatalogIn(options.dir);

  const server = createServer((request, response) => {
    try {
      handleRequest(request, response, siteDir, catalog, logger);
    } catch (error) {
      logger.error(
        { err: error, method: request.method, url: request.url },
        "request failed",
      );
      if (!response.headersSent) {
        sendJson(response, request, 500, { error: "Internal server error." });
      } else {
        response.destroy();
      }
    }
  });
  server.on("clientError", (error, socket) => {
    logger.warn({ err: error }, "invalid HTTP request from client");
    socket.destroy();
  });

  try {
    await listen(
      server,
      options.host ?? DEFAULT_HOST,
      options.port ?? DEFAULT_PORT,
    );
  } catch (error) {
    if (ownsCatalog) catalog.close();
    throw error;
  }
  const url = serverUrl(server.address() as AddressInfo);
  logger.info({ url, dir: path.resolve(options.dir) }, "server started");

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (ownsCatalog) catalog.close();
          if (error) {
            logger.error({ err: error, url }, "server stop failed");
            reject(error);
            return;
          }
          logger.info({ url }, "server stopped");
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function openCatalogIn(dir: string): CatalogReader {
  const dbPath = path.resolve(dir, "catalog.db");
  if (!existsSync(dbPath)) {
    throw new Error(
      `No catalog database at ${dbPath}. Build the catalog first with ` +
        `"ruleatlas build DIR... --out ${dir}".`,
    );
  }
  return openFollowingCatalog(dbPath);
}

function listen(
  server: ReturnType<typeof createServer>,
  host: string,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function serverUrl(address: AddressInfo): string {
  const host =
    address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}/`;
}

function handleRequest(
  request: IncomingMessage,
  response: ServerResponse,
  siteDir: string,
  catalog: CatalogReader,
  logger: Logger,
): void {
  response.on("finish", () => {
    if (response.statusCode >= 400 && response.statusCode < 500) {
      logger.info(
        {
          method: request.method,
          url: request.url,
          status: response.statusCode,
        },
        "request rejected",
      );
    }
  });

  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("Allow", "GET, HEAD");
    sendJson(response, request, 405, {
      error: `Method ${request.method} is not allowed; use GET or HEAD.`,
    });
    return;
  }

  const target = request.url ?? "/";
  const queryStart = target.search(/[?#]/);
  const pathname = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = new URLSearchParams(
    queryStart === -1 ? "" : target.slice(queryStart + 1).split("#")[0],
  );

  if (pathname === "/api" || pathname.startsWith("/api/")) {
    const result = handleApi(catalog, pathname, query);
    sendJson(response, request, result.status, result.body);
    return;
  }
  serveStatic(request, response, siteDir, pathname, logger);
}

function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  siteDir: string,
  pathname: string,
  logger: Logger,
): void {
  const found = lookupStatic(siteDir, pathname);
  switch (found.type) {
    case "file": {
      response.writeHead(200, {
        ...SECURITY_HEADERS,
        "Content-Type": contentType(found.file),
        "Content-Length": found.stats.size,
        "Cache-Control": "no-cache",
      });
      if (request.method === "HEAD") {
        response.end();
        return;
      }
      const stream = createReadStream(found.file);
      stream.on("error", (error) => {
        logger.error(
          { err: error, method: request.method, url: request.url },
          "reading a site file failed",
        );
        response.destroy();
      });
      stream.pipe(response);
      return;
    }
    case "redirect":
      response.writeHead(301, {
        ...SECURITY_HEADERS,
        Location: found.location,
      });
      response.end();
      return;
    case "invalid":
      sendPage(response, request, 400, "Bad request", found.reason);
      return;
    case "not-found":
      sendPage(
        response,
        request,
        404,
        "Not found",
        `No page at ${decodeForDisplay(pathname)}.`,
      );
      return;
    default: {
      const unexpected: never = found;
      throw new Error(`unexpected lookup result ${JSON.stringify(unexpected)}`);
    }
  }
}

function decodeForDisplay(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function sendPage(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  title: string,
  message: string,
): void {
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body>
        <h1>${title}</h1>
        <p>${message}</p>
        <p><a href="/">Back to the catalog</a></p>
      </body>
    </html> `;
  send(response, request, status, "text/html; charset=utf-8", page.value);
}

function sendJson(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  body: unknown,
): void {
  send(
    response,
    request,
    status,
    "application/json; charset=utf-8",
    JSON.stringify(body),
  );
}

function send(
  response: ServerResponse,
  request: IncomingMessage,
  status: number,
  type: string,
  text: string,
): void {
  const bytes = Buffer.from(text, "utf8");
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Content-Length": bytes.length,
    "Cache-Control": "no-cache",
  });
  response.end(request.method === "HEAD" ? undefined : bytes);
}
