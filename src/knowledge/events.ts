import { loadDataFile } from "./data-files.ts";

/**
 * A log event provider under the name users know it by:
 * - `Sysmon`: Microsoft-Windows-Sysmon.
 * - `Security`: the Security log (Microsoft-Windows-Security-Auditing and
 *   the Eventlog provider's security events).
 * - `System`: the System log's Service Control Manager and Eventlog events.
 * - `PowerShell`: the Microsoft-Windows-PowerShell/Operational log.
 * - `Windows PowerShell`: the classic Windows PowerShell log.
 * - `PowerShell Core`, and otherwise the Windows provider name without
 *   `Microsoft-Windows-`, such as `TaskScheduler` or `Windows Defender`.
 */
export interface ProviderRecord {
  name: string;
  /** Windows provider names whose events are filed under this name. */
  windowsProviders: string[];
  /** Event log channels, such as `Microsoft-Windows-Sysmon/Operational`. */
  channels: string[];
}

/** One event of data/events/windows-events.json. */
export interface EventRecord {
  provider: string;
  eventId: number;
  title: string;
  /** The event log channel, where a source names it. */
  channel?: string;
  /** Id of the entry in `EventCatalogData.sources` that gave the title. */
  titleSource: string;
  /** Payload field names, where a source lists them. */
  fields?: string[];
  fieldsSource?: string;
}

/** The shape of data/events/windows-events.json, written by scripts/generate-events.ts. */
export interface EventCatalogData {
  description: string;
  generatedAt: string;
  sources: { id: string; description: string; licence: string }[];
  providers: ProviderRecord[];
  events: EventRecord[];
  /** Events that sources list but that have no usable title. */
  skipped: { provider: string; eventId: number; reason: string }[];
}

/** A log event with its official title. */
export interface LogEvent {
  provider: string;
  eventId: number;
  title: string;
  fields?: string[];
}

/** The classic logs, which many Windows providers write to. */
const CLASSIC_LOGS = new Map(
  ["Application", "Security", "System"].map((name) => [
    name.toLowerCase(),
    name,
  ]),
);

interface EventIndex {
  data: EventCatalogData;
  events: Map<string, EventRecord>;
  /** Events of the classic logs by log name and id, from every provider. */
  classicLogEvents: Map<string, EventRecord[]>;
  /** Provider names, Windows provider names and channels, lower case, to provider names. */
  providerNames: Map<string, string>;
}

let index: EventIndex | undefined;

function eventIndex(): EventIndex {
  if (index) return index;
  const data = loadDataFile<EventCatalogData>("events/windows-events.json");
  const events = new Map<string, EventRecord>();
  const classicLogEvents = new Map<string, EventRecord[]>();
  for (const event of data.events) {
    events.set(eventKey(event.provider, event.eventId), event);
    const log = CLASSIC_LOGS.get(event.channel?.toLowerCase() ?? "");
    if (log) {
      const key = eventKey(log, event.eventId);
      classicLogEvents.set(key, [...(classicLogEvents.get(key) ?? []), event]);
    }
  }
  const providerNames = new Map<string, string>();
  for (const provider of data.providers) {
    for (const alias of [
      provider.name,
      ...provider.windowsProviders,
      ...provider.channels,
    ]) {
      const key = alias.toLowerCase();
      // Provider names win over channel aliases: the Eventlog provider
      // writes to both Security and System.
      if (!providerNames.has(key) || alias === provider.name) {
        providerNames.set(key, provider.name);
      }
    }
  }
  index = { data, events, classicLogEvents, providerNames };
  return index;
}

function eventKey(provider: string, eventId: number): string {
  return `${provider}\u0000${eventId}`;
}

/**
 * Returns the provider name users know for a provider name, a Windows
 * provider name (`Microsoft-Windows-Sysmon`) or a channel, with or without
 * Splunk's `WinEventLog:`/`XmlWinEventLog:` source prefix. Case-insensitive.
 */
export function providerName(nameOrChannel: string): string | undefined {
  let key = nameOrChannel.trim().toLowerCase();
  for (const prefix of ["xmlwineventlog:", "wineventlog:"]) {
    if (key.startsWith(prefix)) key = key.slice(prefix.length);
  }
  return eventIndex().providerNames.get(key);
}

/**
 * Finds an event by provider and id. `provider` may be any name that
 * `providerName` accepts; the returned event carries the canonical name.
 * `System`, `Security` and `Application` also find events that other
 * providers write to that log (System 35 is a Time-Service event), when
 * only one provider in the catalog has the id there; such events are
 * returned under the log's name.
 */
export function findEvent(
  provider: string,
  eventId: number,
): LogEvent | undefined {
  const { events, classicLogEvents } = eventIndex();
  const name = providerName(provider) ?? provider;
  let record = events.get(eventKey(name, eventId));
  let shownProvider = record?.provider;
  if (!record && CLASSIC_LOGS.has(name.toLowerCase())) {
    const log = CLASSIC_LOGS.get(name.toLowerCase())!;
    const candidates = classicLogEvents.get(eventKey(log, eventId)) ?? [];
    if (candidates.length === 1) {
      record = candidates[0];
      shownProvider = log;
    }
  }
  if (!record || !shownProvider) return undefined;
  const event: LogEvent = {
    provider: shownProvider,
    eventId: record.eventId,
    title: record.title,
  };
  if (record.fields) event.fields = [...record.fields];
  return event;
}

/** Names of the providers that have an event with this id. */
export function providersWithEvent(eventId: number): string[] {
  return eventIndex()
    .data.events.filter((event) => event.eventId === eventId)
    .map((event) => event.provider);
}

/** Lists every provider in the catalog. */
export function listProviders(): ProviderRecord[] {
  return eventIndex().data.providers;
}
