import type { CatalogReader } from "../catalog/entry.ts";
import { SOURCE_KINDS, type SourceKind } from "../core/rule.ts";
import { slugProblem } from "../site/slug.ts";

/** A JSON response: the status code and the value to serialise. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

const RULES_PATH = "/api/rules";

/**
 * Handles a read-only API request. Routes:
 * - `/api/rules`, with optional `source` (a source kind), `q` (text) and
 *   `offset`/`limit` (paging): `{ count, offset, rules }`, where `count` is
 *   the number of matches and `rules` one `RuleSummary` per rule of the page;
 * - `/api/rules/:slug`: the rule's `CatalogEntry`; a rule id works too,
 *   and an id that several rules declare returns status 300 with their summaries.
 * Errors are `{ error }` with status 400 or 404.
 */
export function handleApi(
  catalog: CatalogReader,
  pathname: string,
  query: URLSearchParams,
): ApiResponse {
  if (pathname === RULES_PATH || pathname === `${RULES_PATH}/`) {
    return listRules(catalog, query);
  }
  if (pathname.startsWith(`${RULES_PATH}/`)) {
    return getRule(catalog, pathname.slice(RULES_PATH.length + 1));
  }
  return notFound(`No API route for ${pathname}; try ${RULES_PATH}.`);
}

function listRules(
  catalog: CatalogReader,
  query: URLSearchParams,
): ApiResponse {
  const source = query.get("source") ?? undefined;
  if (source !== undefined && !isSourceKind(source)) {
    return {
      status: 400,
      body: {
        error: `Invalid source ${JSON.stringify(source)}; expected one of ${SOURCE_KINDS.join(", ")}.`,
      },
    };
  }
  const text = query.get("q")?.trim() || undefined;
  const offset = readCount(query, "offset");
  const limit = readCount(query, "limit");
  if (typeof offset === "string") return badRequest(offset);
  if (typeof limit === "string") return badRequest(limit);
  const rules = catalog.listRules({ source, text });
  const start = offset ?? 0;
  const page = rules.slice(
    start,
    limit === undefined ? undefined : start + limit,
  );
  return {
    status: 200,
    body: { count: rules.length, offset: start, rules: page },
  };
}

function getRule(catalog: CatalogReader, encodedSlug: string): ApiResponse {
  let slug: string;
  try {
    slug = decodeURIComponent(encodedSlug);
  } catch {
    return badRequest("The rule slug is not valid percent-encoding.");
  }
  const problem = slugProblem(slug);
  if (problem) {
    return badRequest(`Invalid rule slug ${JSON.stringify(slug)}: ${problem}.`);
  }

  const entry = catalog.getRule(slug);
  if (entry) return { status: 200, body: entry };

  // Rule ids work too, but some repositories reuse an id, so a shared id
  // lists its rules instead of picking one.
  const matches = catalog.findRulesById(slug);
  if (matches.length === 1) {
    return { status: 200, body: catalog.getRule(matches[0]!.slug) };
  }
  if (matches.length > 1) {
    return {
      status: 300,
      body: {
        error: `${matches.length} rules declare the id ${JSON.stringify(slug)}; request one by its slug.`,
        rules: matches,
      },
    };
  }
  return notFound(`No rule with slug or id ${JSON.stringify(slug)}.`);
}

/** Reads a whole-number parameter; returns an error message when it is invalid. */
function readCount(
  query: URLSearchParams,
  name: string,
): number | string | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < 0) {
    return `Invalid ${name} ${JSON.stringify(text)}; expected a whole number of 0 or more.`;
  }
  return value;
}

function isSourceKind(value: string): value is SourceKind {
  return (SOURCE_KINDS as readonly string[]).includes(value);
}

function badRequest(error: string): ApiResponse {
  return { status: 400, body: { error } };
}

function notFound(error: string): ApiResponse {
  return { status: 404, body: { error } };
}
