import type { Analysis, EventCoverage, Predicate } from "../analysis/model.ts";
import type { RuleRecord } from "../core/rule.ts";
import { loadDataFile } from "./data-files.ts";
import { resolveDataSource } from "./data-sources.ts";
import { findEvent, providerName, providersWithEvent } from "./events.ts";
import { dataModelName } from "./fields.ts";

interface EventKey {
  provider: string;
  eventId: number;
}

/** The shape of data/events/cim-data-models.json. */
export interface DataModelTable {
  description: string;
  maintenance: string;
  /** Date of the last edit, YYYY-MM-DD. */
  updated: string;
  sources: string[];
  dataModels: {
    dataModel: string;
    events: EventKey[];
    /** Narrower event lists when the search filters the data set's `action`. */
    byAction?: Record<string, EventKey[]>;
  }[];
}

/** A provider the rule's metadata or query points at, with the evidence. */
interface ProviderHint {
  providers: string[];
  reason: string;
}

/**
 * Words in data categories, macro names and event types that name a log,
 * checked in this order, with the providers they stand for. These are naming
 * conventions of armory data categories and security_content macros, not
 * facts of a public data set, so they live here rather than in data/.
 */
const PROVIDER_WORDS: { words: string[]; providers: string[] }[] = [
  { words: ["sysmon"], providers: ["Sysmon"] },
  { words: ["powershell"], providers: ["PowerShell", "Windows PowerShell"] },
  { words: ["wineventlog", "security"], providers: ["Security"] },
  { words: ["wineventlog", "system"], providers: ["System"] },
  { words: ["winevent"], providers: ["Security", "System"] },
  { words: ["windows", "event"], providers: ["Security", "System"] },
  { words: ["task", "scheduler"], providers: ["TaskScheduler"] },
  { words: ["wmi"], providers: ["WMI-Activity"] },
  { words: ["applocker"], providers: ["AppLocker"] },
  { words: ["printservice"], providers: ["PrintService"] },
  { words: ["defender"], providers: ["Windows Defender"] },
];

/**
 * Providers tried, in this order, for an event id that nothing in the rule
 * ties to a provider. Their id ranges barely overlap, and Sysmon comes
 * before the providers whose small ids collide with its ids (BITS 3 to 5).
 */
const DEFAULT_PROVIDERS = [
  "Security",
  "Sysmon",
  "PowerShell",
  "Windows PowerShell",
  "System",
];

/** Field names that hold a Windows event id, compared in lower case. */
const EVENT_ID_FIELDS = new Set([
  "eventcode",
  "eventid",
  "event_id",
  "event.code",
  "winlog.event_id",
]);

/** Fields whose values name a log: a Splunk source, sourcetype or event channel. */
const LOG_NAME_FIELDS = new Set([
  "source",
  "sourcetype",
  "channel",
  "eventtype",
]);

/**
 * Infers the log events a Splunk-side rule (SPL, armory) needs. Evidence,
 * in the order the result lists it:
 * 1. EventCode and EventID predicates, XML-rendered `<EventID>n<` terms
 *    included, with the provider taken from the rule's data categories,
 *    macros, sources, sourcetypes and channels, or from the event catalog.
 * 2. CIM data models the query searches, such as Endpoint.Processes.
 * 3. security_content `data_source` names.
 * Each event appears once. Its reason lists the evidence, then what chose
 * the provider, joined with `; `: `EventCode=4104; <EventID>4104< term;
 * data category "PowerShell logs"`.
 */
export function inferEventCoverage(
  rule: RuleRecord,
  analysis: Analysis,
): EventCoverage[] {
  const coverage = new CoverageList();
  const hints = providerHints(rule, analysis);

  // The Splunk Add-on for Microsoft Windows copies EventCode to the CIM
  // field signature_id, which other data sources use for their own ids.
  const windowsLog = hints.length > 0;
  for (const { eventId, evidence } of eventIdEvidence(analysis, windowsLog)) {
    addEventId(coverage, eventId, evidence, hints);
  }
  addDataModels(coverage, analysis, declaredEventProviders(rule));
  for (const name of rule.dataSources) {
    for (const log of resolveDataSource(name)) {
      const reason = `data source "${log.name}"`;
      if (log.eventId === undefined) {
        coverage.add({ provider: log.provider, title: log.provider }, reason);
      } else {
        coverage.addEvent(log.provider, log.eventId, reason);
      }
    }
  }

  // NOTE: a rule that names only a non-Windows log (an armory "AWS
  // CloudTrail logs" category) gets that log by name, without event ids.
  if (coverage.isEmpty()) {
    for (const category of rule.dataCategories) {
      if (providersForName(category).length > 0) continue;
      coverage.add(
        { provider: category, title: category },
        `data category "${category}"`,
      );
    }
  }
  return coverage.list();
}

class CoverageList {
  private readonly entries = new Map<
    string,
    { event: EventCoverage; evidence: string[]; context: string[] }
  >();

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /**
   * Adds an event or named log, or merges the evidence into the entry
   * already there. `context` names what chose the provider.
   */
  add(
    event: Omit<EventCoverage, "reason">,
    evidence: string,
    context?: string,
  ): void {
    const key = `${event.provider}\u0000${event.eventId ?? event.title}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { event: { ...event, reason: "" }, evidence: [], context: [] };
      this.entries.set(key, entry);
    }
    if (!entry.evidence.includes(evidence)) entry.evidence.push(evidence);
    if (context && !entry.context.includes(context)) {
      entry.context.push(context);
    }
  }

  /** Adds an event with its catalog title, or `Event ID n` when the catalog lacks it. */
  addEvent(
    provider: string,
    eventId: number,
    evidence: string,
    context?: string,
  ): void {
    const event = findEvent(provider, eventId);
    this.add(
      {
        provider: event?.provider ?? provider,
        eventId,
        title: event?.title ?? `Event ID ${eventId}`,
      },
      evidence,
      context,
    );
  }

  list(): EventCoverage[] {
    return [...this.entries.values()].map(({ event, evidence, context }) => ({
      ...event,
      reason: [
        ...evidence,
        ...context.filter((item) => !evidence.includes(item)),
      ].join("; "),
    }));
  }
}

// ---------------------------------------------------------------------------
// Provider hints

function providerHints(rule: RuleRecord, analysis: Analysis): ProviderHint[] {
  const hints: ProviderHint[] = [];
  const add = (providers: string[], reason: string) => {
    if (providers.length > 0) hints.push({ providers, reason });
  };

  for (const category of rule.dataCategories) {
    add(providersForName(category), `data category "${category}"`);
  }
  for (const name of rule.dataSources) {
    for (const log of resolveDataSource(name)) {
      if (log.eventId !== undefined) {
        add([log.provider], `data source "${log.name}"`);
      }
    }
  }
  for (const macro of macroNames(analysis)) {
    add(providersForName(macro), `macro ${macro}`);
  }
  for (const reference of analysis.references) {
    if (
      reference.kind === "source" ||
      reference.kind === "sourcetype" ||
      reference.kind === "index"
    ) {
      add(
        providersForLog(reference.name),
        `${reference.kind} ${reference.name}`,
      );
    }
  }
  for (const predicate of analysis.predicates) {
    if (!LOG_NAME_FIELDS.has(predicate.field.toLowerCase())) continue;
    if (predicate.negated || predicate.role === "exclusion") continue;
    for (const value of predicate.values) {
      add(providersForLog(value), `${predicate.field}=${value}`);
    }
  }
  return hints;
}

/** Macro names from references, macro stages and predicates that macros produced. */
function macroNames(analysis: Analysis): string[] {
  const names = new Set<string>();
  for (const reference of analysis.references) {
    if (reference.kind === "macro") names.add(reference.name);
  }
  for (const stage of analysis.stages) {
    if (stage.macro) names.add(stage.macro.name);
  }
  for (const predicate of analysis.predicates) {
    if (predicate.macro) names.add(predicate.macro);
  }
  return [...names];
}

/** Providers named by a channel or Splunk source, else by the words of the name. */
function providersForLog(name: string): string[] {
  const provider = providerName(name);
  return provider ? [provider] : providersForName(name);
}

/** Providers whose words all occur in a category, macro or sourcetype name. */
export function providersForName(name: string): string[] {
  const words = name.toLowerCase().split(/[^a-z0-9]+/);
  const joined = words.join("");
  for (const entry of PROVIDER_WORDS) {
    const matches = entry.words.every(
      (word) =>
        words.includes(word) ||
        // Macro names run words together: get_endpoint_data_winevent.
        (entry.words.length === 1 && joined.includes(word)),
    );
    if (matches) return entry.providers;
  }
  return [];
}

// ---------------------------------------------------------------------------
// Event ids

interface EventIdEvidence {
  eventId: number;
  evidence: string;
}

/**
 * Event ids the query matches: non-negated indicator predicates on an event
 * id field (`eq` or `in`), and `<EventID>n<` search terms that an analyser
 * left as terms. `signature_id` counts only when the rule reads a Windows log.
 */
function eventIdEvidence(
  analysis: Analysis,
  windowsLog: boolean,
): EventIdEvidence[] {
  const evidence: EventIdEvidence[] = [];
  for (const predicate of analysis.predicates) {
    if (!isEventIdPredicate(predicate, windowsLog)) continue;
    for (const value of predicate.values) {
      const eventId = parseEventId(value);
      if (eventId === undefined) continue;
      evidence.push({
        eventId,
        evidence: predicateEvidence(predicate, eventId),
      });
    }
  }
  for (const term of analysis.searchTerms) {
    if (term.negated || term.role !== "indicator") continue;
    const match = /^<EventID(?:\s[^>]*)?>(\d+)<(?:\/EventID>)?$/.exec(
      term.text,
    );
    if (match) {
      evidence.push({
        eventId: Number(match[1]),
        evidence: `${term.text} term`,
      });
    }
  }
  return evidence;
}

function isEventIdPredicate(
  predicate: Predicate,
  windowsLog: boolean,
): boolean {
  const field = predicate.field.toLowerCase();
  const lastSegment = field.slice(field.lastIndexOf(".") + 1);
  const eventIdField =
    EVENT_ID_FIELDS.has(field) ||
    EVENT_ID_FIELDS.has(lastSegment) ||
    (windowsLog && lastSegment === "signature_id");
  return (
    eventIdField &&
    (predicate.kind === "eq" || predicate.kind === "in") &&
    !predicate.negated &&
    predicate.role === "indicator"
  );
}

function parseEventId(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value.trim())) return undefined;
  return Number(value);
}

/** `EventCode=4104`, `TERM(EventCode=4104)` or `<EventID>4104< term`. */
function predicateEvidence(predicate: Predicate, eventId: number): string {
  if (predicate.origin === "xml-event-id") return `<EventID>${eventId}< term`;
  if (predicate.origin === "term") return `TERM(${predicate.field}=${eventId})`;
  return `${predicate.field}=${eventId}`;
}

/**
 * Picks the provider of one event id: the first hinted provider whose
 * catalog has the id, else the default providers, else any provider that
 * has it, else the first hinted provider with an untitled event.
 */
function addEventId(
  coverage: CoverageList,
  eventId: number,
  evidence: string,
  hints: ProviderHint[],
): void {
  for (const hint of hints) {
    for (const provider of hint.providers) {
      if (findEvent(provider, eventId)) {
        coverage.addEvent(provider, eventId, evidence, hint.reason);
        return;
      }
    }
  }

  const known = providersWithEvent(eventId);
  const provider =
    DEFAULT_PROVIDERS.find((name) => known.includes(name)) ?? known[0];
  if (provider) {
    coverage.addEvent(provider, eventId, evidence);
    return;
  }

  const hinted = hints[0];
  if (hinted) {
    coverage.addEvent(hinted.providers[0]!, eventId, evidence, hinted.reason);
  } else {
    coverage.add(
      { provider: "Windows", eventId, title: `Event ID ${eventId}` },
      evidence,
    );
  }
}

// ---------------------------------------------------------------------------
// Data models

/**
 * Providers of the event log data sources a rule declares, or undefined
 * when it declares none. Data models are filled from many logs, so a rule
 * that names its logs gets only the data model events of those logs: a
 * Linux rule on Endpoint.Filesystem does not need Windows Sysmon events.
 */
function declaredEventProviders(rule: RuleRecord): Set<string> | undefined {
  const providers = new Set<string>();
  for (const name of rule.dataSources) {
    for (const log of resolveDataSource(name)) {
      if (log.eventId !== undefined) providers.add(log.provider);
    }
  }
  return providers.size > 0 ? providers : undefined;
}

function addDataModels(
  coverage: CoverageList,
  analysis: Analysis,
  allowedProviders: Set<string> | undefined,
): void {
  const table = loadDataFile<DataModelTable>("events/cim-data-models.json");
  for (const reference of analysis.references) {
    if (reference.kind !== "datamodel") continue;
    const name = dataModelName(reference.name, reference.arguments);
    const entry = findDataModel(table, name);
    if (!entry) continue;

    const actions = filteredActions(analysis, entry.dataModel);
    const byAction = actions
      .map((action) => entry.byAction?.[action])
      .filter((events): events is EventKey[] => events !== undefined);
    const events = byAction.length > 0 ? byAction.flat() : entry.events;
    for (const event of events) {
      if (allowedProviders && !allowedProviders.has(event.provider)) continue;
      coverage.addEvent(
        event.provider,
        event.eventId,
        `data model ${entry.dataModel}`,
      );
    }
  }
}

/**
 * Finds a data set by `Model.Dataset` name, case-insensitively. A bare model
 * name (`Network_Traffic`) matches when the table has one data set for it.
 */
function findDataModel(table: DataModelTable, name: string) {
  const lower = name.toLowerCase();
  const exact = table.dataModels.find(
    (entry) => entry.dataModel.toLowerCase() === lower,
  );
  if (exact || lower.includes(".")) return exact;
  const ofModel = table.dataModels.filter((entry) =>
    entry.dataModel.toLowerCase().startsWith(`${lower}.`),
  );
  return ofModel.length === 1 ? ofModel[0] : undefined;
}

/** Values of indicator `action` predicates on the data set, such as `deleted`. */
function filteredActions(analysis: Analysis, dataModel: string): string[] {
  const dataset = dataModel.slice(dataModel.indexOf(".") + 1).toLowerCase();
  const actions: string[] = [];
  for (const predicate of analysis.predicates) {
    const field = predicate.field.toLowerCase();
    if (field !== "action" && field !== `${dataset}.action`) continue;
    if (predicate.kind !== "eq" && predicate.kind !== "in") continue;
    if (predicate.negated || predicate.role !== "indicator") continue;
    actions.push(...predicate.values.map((value) => value.toLowerCase()));
  }
  return actions;
}
