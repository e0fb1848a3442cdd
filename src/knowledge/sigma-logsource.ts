import type { Analysis, EventCoverage, Predicate } from "../analysis/model.ts";
import type { RuleRecord } from "../core/rule.ts";
import { loadDataFile } from "./data-files.ts";
import { findEvent, providerName } from "./events.ts";

/** One event of data/sigma/logsource-events.json. */
interface CategoryEvent {
  provider: string;
  eventId: number;
  fields?: string[];
  aliases?: Record<string, string>;
  source: string;
}

/** The shape of data/sigma/logsource-events.json, from scripts/generate-sigma-logsource.ts. */
interface LogsourceData {
  product: string;
  categories: Record<string, CategoryEvent[]>;
  /** Sigma Windows service names and their event log channels. */
  services: Record<string, string>;
}

/** Providers named after the classic Windows logs they write to. */
const CLASSIC_LOGS = new Set(["Security", "System", "Application"]);

/**
 * Fields every Windows event has in its header; a rule that tests them
 * still fits an event whose payload lacks them.
 */
const HEADER_FIELDS = new Set([
  "EventID",
  "Channel",
  "Provider_Name",
  "Computer",
  "Hostname",
]);

/**
 * Infers the log events a Sigma rule needs from its log source and the
 * fields it uses:
 * - a Windows category gives its events, and an event whose payload fields
 *   are known (Security 4688) only when every field the rule tests exists
 *   there, so a rule on `OriginalFileName` gets Sysmon 1 alone;
 * - a Windows service gives one event per id of its `EventID` predicates,
 *   or the log as a whole when there is none;
 * - other log sources (Linux, macOS, cloud, network, applications) are
 *   named, without an event id.
 */
export function inferSigmaCoverage(
  rule: RuleRecord,
  analysis: Analysis,
): EventCoverage[] {
  const logsource = rule.logsource;
  if (!logsource) return [];
  const data = loadDataFile<LogsourceData>("sigma/logsource-events.json");
  const product = logsource.product?.toLowerCase();
  const category = logsource.category?.toLowerCase();
  const service = logsource.service?.toLowerCase();
  const eventIds = indicatorEventIds(analysis.predicates);

  if (product === data.product && category && data.categories[category]) {
    return categoryCoverage(
      category,
      data.categories[category],
      analysis,
      eventIds,
    );
  }
  if (product === data.product && service && data.services[service]) {
    return serviceCoverage(service, data.services[service], analysis, eventIds);
  }
  const name = [product, service, category].filter(Boolean).join(" / ");
  if (name === "") return [];
  return [
    {
      provider: product ?? service ?? category ?? "",
      title: name,
      reason: `Sigma log source ${describe(logsource)}; it has no event ids`,
    },
  ];
}

function categoryCoverage(
  category: string,
  events: CategoryEvent[],
  analysis: Analysis,
  eventIds: number[],
): EventCoverage[] {
  const fields = usedFields(analysis);
  const narrowed = events.filter(
    (event) => eventIds.length === 0 || eventIds.includes(event.eventId),
  );
  const candidates = narrowed.length > 0 ? narrowed : events;
  const out: EventCoverage[] = [];
  let closest: { event: CategoryEvent; missing: string[] } | undefined;

  for (const event of candidates) {
    const missing = fields.filter((field) => !hasField(event, field));
    if (missing.length > 0) {
      if (isCloser(missing, event, closest)) closest = { event, missing };
      continue;
    }
    const because = event.fields
      ? `; every field the rule tests exists in ${event.provider} ${event.eventId}`
      : "";
    out.push(
      coverage(event, `Sigma log source category ${category}${because}`),
    );
  }

  // A rule may test a field that needs extra collection, as its log source
  // `definition` then states. The closest event is still the one to collect.
  if (out.length === 0 && closest) {
    const list = closest.missing.join(", ");
    out.push(
      coverage(
        closest.event,
        `Sigma log source category ${category}; ${list} is not among the event's documented fields`,
      ),
    );
  }
  return out;
}

/** Fewer missing fields wins; on a tie, the event with more documented fields. */
function isCloser(
  missing: string[],
  event: CategoryEvent,
  closest: { event: CategoryEvent; missing: string[] } | undefined,
): boolean {
  if (!closest) return true;
  if (missing.length !== closest.missing.length)
    return missing.length < closest.missing.length;
  return (event.fields?.length ?? 0) > (closest.event.fields?.length ?? 0);
}

function coverage(event: CategoryEvent, reason: string): EventCoverage {
  return {
    provider: event.provider,
    eventId: event.eventId,
    title: titleOf(event.provider, event.eventId),
    reason,
  };
}

function serviceCoverage(
  service: string,
  channel: string,
  analysis: Analysis,
  eventIds: number[],
): EventCoverage[] {
  const declared = providerPredicate(analysis.predicates);
  const logProvider = providerName(channel) ?? channel;
  let provider = providerName(declared ?? channel) ?? declared ?? channel;
  // Microsoft-Windows-Eventlog writes to Security (1102) and System (104),
  // and the catalog names it Security, so the service's log decides.
  if (
    CLASSIC_LOGS.has(provider) &&
    CLASSIC_LOGS.has(logProvider) &&
    provider !== logProvider
  ) {
    provider = logProvider;
  }
  if (eventIds.length === 0) {
    return [
      {
        provider,
        title: `${channel} log`,
        reason: `Sigma log source service ${service}; the rule tests no EventID`,
      },
    ];
  }
  return eventIds.map((eventId) => ({
    provider,
    eventId,
    title: titleOf(provider, eventId),
    reason: `EventID predicate under Sigma log source service ${service}`,
  }));
}

function hasField(event: CategoryEvent, field: string): boolean {
  if (HEADER_FIELDS.has(field) || !event.fields) return true;
  const fields = event.fields ?? [];
  return (
    fields.includes(field) || fields.includes(event.aliases?.[field] ?? "")
  );
}

/** Fields of every predicate, exclusions too: a filter on a missing field cannot work. */
function usedFields(analysis: Analysis): string[] {
  return [...new Set(analysis.predicates.map((predicate) => predicate.field))];
}

/** Event ids the rule requires: positive `EventID` equality predicates. */
function indicatorEventIds(predicates: Predicate[]): number[] {
  const ids = new Set<number>();
  for (const predicate of predicates) {
    if (
      predicate.field !== "EventID" ||
      predicate.negated ||
      predicate.role !== "indicator"
    )
      continue;
    if (predicate.kind !== "eq" && predicate.kind !== "in") continue;
    for (const value of predicate.values) {
      const id = Number(value);
      if (Number.isInteger(id)) ids.add(id);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

function providerPredicate(predicates: Predicate[]): string | undefined {
  const found = predicates.find(
    (predicate) =>
      predicate.field === "Provider_Name" &&
      predicate.kind === "eq" &&
      !predicate.negated &&
      predicate.role === "indicator",
  );
  return found?.values[0];
}

function titleOf(provider: string, eventId: number): string {
  return findEvent(provider, eventId)?.title ?? `${provider} event ${eventId}`;
}

function describe(logsource: NonNullable<RuleRecord["logsource"]>): string {
  return Object.entries(logsource)
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([key, value]) => `${key} ${value}`)
    .join(", ");
}
