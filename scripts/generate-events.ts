/**
 * Generates data/events/windows-events.json: Windows log events with their
 * provider, event id, title and payload fields, merged from five public
 * sources. Titles come from the highest-ranked source whose text reads as a
 * title (see `titleCandidate`), and each event records which source that was.
 *
 * Usage: tsx scripts/generate-events.ts [REFERENCE_FOLDER]
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { referenceFolder, today, writeJson } from "./generate-support.ts";
import type {
  EventCatalogData,
  EventRecord,
  ProviderRecord,
} from "../src/knowledge/events.ts";

/** Title sources, best first: Microsoft's documentation, then its manifests, then third-party maps. */
const SOURCES = [
  {
    id: "sysmon-docs",
    description:
      "Sysmon documentation (Microsoft), MicrosoftDocs/sysinternals at 8e3453544f1e, sysmon.md",
    licence: "CC-BY-4.0",
  },
  {
    id: "microsoft-learn",
    description:
      "Windows security audit event titles from Microsoft Learn, as listed in SigmaHQ/sigma at 8eaafff1 documentation/logsource-guides/windows/service/security.md",
    licence: "no licence stated for the documentation",
  },
  {
    id: "windows-manifest",
    description:
      "First sentence of Microsoft's event message text in the provider manifests of Windows 10 build 1507, read from nasbench/EVTX-ETW-Resources",
    licence: "no licence seen",
  },
  {
    id: "evtx-maps",
    description:
      "Event map descriptions and payload fields from EricZimmerman/evtx at 03a7a1fba327 evtx/Maps",
    licence: "MIT",
  },
  {
    id: "ossem-dd",
    description:
      "Event names and payload fields from OTRF/OSSEM-DD at d0e449c9359880eb6ba12d12b4c10713f1b6a839",
    licence: "MIT",
  },
] as const;

type SourceId = (typeof SOURCES)[number]["id"];

const SOURCE_RANK = new Map<string, number>(
  SOURCES.map((source, rank) => [source.id, rank]),
);

/** Field sources, best first. */
const FIELD_SOURCES: SourceId[] = ["microsoft-learn", "ossem-dd", "evtx-maps"];

/** One title or field list for one event, as one source gives it. */
interface Observation {
  provider: string;
  eventId: number;
  source: SourceId;
  /** The event log channel, where the source names it. */
  channel?: string;
  rawTitle?: string;
  fields?: string[];
}

// ---------------------------------------------------------------------------
// Providers

/**
 * Windows providers of the System log whose events users call System
 * events. Other providers also write to the System log, but event ids are
 * unique only per provider, so those keep their own names.
 */
const SYSTEM_LOG_PROVIDERS = new Set([
  "Service Control Manager",
  "EventLog",
  "Microsoft-Windows-Eventlog",
]);

/**
 * Names a Windows event provider as users know it: `Security` for the
 * Security log, `System` for the System log's core providers, `Sysmon`,
 * `PowerShell` for the operational channel and `Windows PowerShell` for the
 * classic one, otherwise the provider name without `Microsoft-Windows-`.
 */
function displayProvider(provider: string, channel?: string): string {
  const normalised = provider.replace(/^"|"$/g, "").trim();
  if (normalised === "Microsoft-Windows-Security-Auditing") return "Security";
  if (normalised === "Microsoft-Windows-Sysmon") return "Sysmon";
  if (normalised === "Microsoft-Windows-PowerShell") return "PowerShell";
  if (normalised === "PowerShell") return "Windows PowerShell";
  if (normalised === "PowerShellCore") return "PowerShell Core";
  if (channel === "Security") return "Security";
  if (channel === "System" && SYSTEM_LOG_PROVIDERS.has(normalised)) {
    return "System";
  }
  if (/^Microsoft-Windows-Windows[ -]Defender$/.test(normalised)) {
    return "Windows Defender";
  }
  if (normalised.startsWith("Microsoft-Windows-Windows Firewall")) {
    return "Windows Firewall";
  }
  return normalised.replace(/^Microsoft-Windows-/, "");
}

/** Tells whether an evtx map belongs in the catalog: Microsoft providers and the classic logs do. */
function isMicrosoftEvent(provider: string, channel: string): boolean {
  return (
    provider.startsWith("Microsoft-Windows-") ||
    provider === "PowerShell" ||
    provider === "PowerShellCore" ||
    channel === "Security" ||
    channel === "System" ||
    (channel === "Application" && MICROSOFT_APPLICATION_PROVIDERS.has(provider))
  );
}

/**
 * Microsoft's providers among the evtx maps of the Application log; the
 * other maps there are antivirus and remote access products.
 */
const MICROSOFT_APPLICATION_PROVIDERS = new Set([
  "Application Error",
  "Application Hang",
  "ESENT",
  "MSSQLSERVER",
  "MsiInstaller",
  "SecurityCenter",
  "System Restore",
  "Windows Error Reporting",
  "WSH",
]);

const CLASSIC_LOGS = new Set(["Application", "Security", "System"]);

class ProviderTable {
  private readonly providers = new Map<string, ProviderRecord>();

  note(display: string, windowsProvider?: string, channel?: string): void {
    let record = this.providers.get(display);
    if (!record) {
      record = { name: display, windowsProviders: [], channels: [] };
      this.providers.set(display, record);
    }
    if (windowsProvider && !record.windowsProviders.includes(windowsProvider)) {
      record.windowsProviders.push(windowsProvider);
    }
    // The classic logs are shared by many providers, so only the provider
    // named after the log claims its channel.
    const sharedLog = CLASSIC_LOGS.has(channel ?? "") && channel !== display;
    if (channel && !sharedLog && !record.channels.includes(channel)) {
      record.channels.push(channel);
    }
  }

  list(): ProviderRecord[] {
    return [...this.providers.values()]
      .map((record) => ({
        ...record,
        windowsProviders: [...record.windowsProviders].sort(),
        channels: [...record.channels].sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

// ---------------------------------------------------------------------------
// Readers, one per source

function readSysmonDocs(folder: string): Observation[] {
  const text = readFileSync(join(folder, "sysmon-docs/sysmon.md"), "utf8");
  const observations: Observation[] = [];
  for (const line of text.split("\n")) {
    const match = /^### Event ID (\d+): (.+)$/.exec(line.trim());
    if (!match) continue;
    observations.push({
      provider: "Sysmon",
      eventId: Number(match[1]),
      source: "sysmon-docs",
      rawTitle: match[2]!,
    });
  }
  return observations;
}

/**
 * Reads the security log source guide: the "Full Event(s) List" links give
 * Microsoft Learn titles, and the "Event Fields" sections give fields.
 */
function readSecurityGuide(folder: string): Observation[] {
  const path = join(
    folder,
    "sigma-logsource-guides/windows/service/security.md",
  );
  const lines = readFileSync(path, "utf8").split("\n");
  const observations: Observation[] = [];
  let section = "";
  let fieldsFor: number | undefined;
  let fields: string[] = [];

  const flushFields = () => {
    if (fieldsFor !== undefined && fields.length > 0) {
      observations.push({
        provider: "Security",
        eventId: fieldsFor,
        source: "microsoft-learn",
        fields,
      });
    }
    fieldsFor = undefined;
    fields = [];
  };

  for (const line of lines) {
    if (line.startsWith("## ")) {
      flushFields();
      section = line.slice(3).trim();
      continue;
    }
    if (section === "Full Event(s) List") {
      const match = /^- \[(\d+): (.+)\]\(https:\/\/learn\.microsoft\.com/.exec(
        line,
      );
      if (match) {
        observations.push({
          provider: "Security",
          eventId: Number(match[1]),
          source: "microsoft-learn",
          rawTitle: match[2]!,
        });
      }
    } else if (section === "Event Fields") {
      const heading = /^### Provider: .* EventID: (\d+)/.exec(line);
      if (heading) {
        flushFields();
        fieldsFor = Number(heading[1]);
        continue;
      }
      const field = /^- (\w+)\s*$/.exec(line);
      if (field && fieldsFor !== undefined) fields.push(field[1]!);
    }
  }
  flushFields();
  return observations;
}

function readManifestTitles(
  folder: string,
  providers: ProviderTable,
): Observation[] {
  const path = join(folder, "message-titles-windows10-1507.tsv");
  const observations: Observation[] = [];
  let header: string[] | undefined;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const cells = line.split("\t");
    if (!header) {
      header = cells;
      continue;
    }
    const row = Object.fromEntries(header.map((name, i) => [name, cells[i]]));
    const provider = row.provider!;
    const channel = row.channel === "Operational" ? undefined : row.channel;
    const display = displayProvider(provider, channel);
    providers.note(display, provider, channel);
    observations.push({
      provider: display,
      eventId: Number(row.event_id),
      source: "windows-manifest",
      channel,
      rawTitle: row.message_first_sentence,
    });
  }
  return observations;
}

interface EvtxMap {
  Description?: string;
  EventId?: number | string;
  Channel?: string;
  Provider?: string;
  Maps?: { Values?: { Value?: string }[] }[];
}

function readEvtxMaps(folder: string, providers: ProviderTable): Observation[] {
  const mapsFolder = join(folder, "evtx-maps");
  const observations: Observation[] = [];
  for (const file of readdirSync(mapsFolder).sort()) {
    if (!file.endsWith(".map")) continue;
    // Some maps repeat keys in their lookup tables; the parts read here do not.
    const map = parseYaml(readFileSync(join(mapsFolder, file), "utf8"), {
      uniqueKeys: false,
    }) as EvtxMap;
    const provider = String(map.Provider ?? "").trim();
    const channel = String(map.Channel ?? "").trim();
    if (!isMicrosoftEvent(provider, channel)) continue;

    const display = displayProvider(provider, channel);
    providers.note(display, provider, channel);

    // The maps name the payload fields they read as XPath expressions.
    const fields = new Set<string>();
    for (const entry of map.Maps ?? []) {
      for (const value of entry.Values ?? []) {
        for (const match of String(value.Value ?? "").matchAll(
          /Data\[@Name="([^"]+)"\]/g,
        )) {
          fields.add(match[1]!);
        }
      }
    }
    observations.push({
      provider: display,
      eventId: Number(map.EventId),
      source: "evtx-maps",
      channel: channel || undefined,
      rawTitle: map.Description,
      fields: fields.size > 0 ? [...fields] : undefined,
    });
  }
  return observations;
}

interface OssemEvent {
  name?: string;
  log_source?: string;
  event_id?: string | number;
  event_fields?: { name?: string }[];
}

function readOssem(folder: string, providers: ProviderTable): Observation[] {
  const roots: { root: string; provider?: string }[] = [
    { root: "ossem-dd/windows/sysmon/events" },
    { root: "ossem-dd/windows/powershell/events" },
    ...readdirSync(join(folder, "ossem-dd/windows/etw-providers"))
      .sort()
      .map((name) => ({
        root: `ossem-dd/windows/etw-providers/${name}/events`,
      })),
    // Sysmon for Linux files name their log source `sysmon`, like Windows.
    { root: "ossem-dd/linux/sysmon/events", provider: "Sysmon for Linux" },
  ];
  providers.note(
    "Sysmon for Linux",
    "Linux-Sysmon",
    "Linux-Sysmon/Operational",
  );
  const observations: Observation[] = [];
  for (const { root, provider: rootProvider } of roots) {
    const eventsFolder = join(folder, root);
    if (!existsSync(eventsFolder)) continue;
    for (const file of readdirSync(eventsFolder).sort()) {
      if (!file.endsWith(".yml")) continue;
      const event = parseYaml(
        readFileSync(join(eventsFolder, file), "utf8"),
      ) as OssemEvent;
      const provider = String(event.log_source ?? "");
      const display = rootProvider ?? displayProvider(provider);
      if (!rootProvider) providers.note(display, provider);
      observations.push({
        provider: display,
        eventId: Number(event.event_id),
        source: "ossem-dd",
        rawTitle: ossemTitle(event.name ?? ""),
        fields: (event.event_fields ?? [])
          .map((field) => field.name)
          .filter((name): name is string => typeof name === "string"),
      });
    }
  }
  return observations;
}

/**
 * Takes the title out of an OSSEM-DD event name. Names are written as
 * `Event ID 1: Process creation`, `Event ID 4657 A registry value was
 * modified` or `Event 16 - Sysmon Config State Changed`; placeholders such as
 * `Event 4612 - task_0` or a task name like `StartingCommand` give none.
 */
function ossemTitle(name: string): string | undefined {
  const match = /^Event(?: ID)? \d+(:| -)? (.+)$/.exec(name.trim());
  if (!match) return undefined;
  const title = match[2]!.trim();
  // After ` - `, OSSEM-DD puts the ETW task name when it has no title.
  if (match[1] === " -" && !title.includes(" ")) return undefined;
  return title;
}

// ---------------------------------------------------------------------------
// Titles

const PLACEHOLDER = /\{[^}]*\}|%\d+/g;

interface TitleCandidate {
  title: string;
  /** False when placeholders inside the sentence had to be dropped. */
  clean: boolean;
}

/**
 * Turns a source's text into a title, or rejects it. Message templates lose
 * their placeholders. A trailing `(… {X} …)` or `: {X}` goes whole and leaves
 * a clean title. Placeholders inside the sentence leave a degraded title,
 * used only when no source has a clean one. Text made of field labels
 * (`{Payload}Context:{ContextInfo}…`, `Security ID: %1`) or introducing a
 * list (`… the following:`) is rejected, because it reads as a template.
 */
function titleCandidate(raw: string | undefined): TitleCandidate | undefined {
  if (!raw) return undefined;
  const hadPlaceholder = new RegExp(PLACEHOLDER.source).test(raw);

  // A title is the message's first sentence; later ones add detail.
  let text = raw.trim().split(/(?<=\.)\s+(?=[A-Z])/)[0]!;
  text = text.replace(
    /\s*\([^()]*(?:\{[^}]*\}|%\d+)[^()]*\)\s*(?=[:.]?\s*$)/,
    "",
  );
  text = text.replace(/:\s*(?:\{[^}]*\}|%\d+)\s*\.?\s*$/, "");
  const clean = !new RegExp(PLACEHOLDER.source).test(text);

  text = text
    .replace(PLACEHOLDER, "")
    .replace(/""|''/g, "")
    .replace(/\(\s*\)/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s.:;]+$/, "")
    .replace(/\s+([,.;])/g, "$1");

  if (text === "") return undefined;
  if (/^[a-z]/.test(text)) return undefined;
  if (text.includes(":")) return undefined;
  if (/\bthe following$/i.test(text)) return undefined;
  if (hadPlaceholder && text.split(" ").length <= 2) return undefined;
  return { title: text, clean };
}

// ---------------------------------------------------------------------------
// Merging

function mergeEvents(observations: Observation[]): {
  events: EventRecord[];
  skipped: { provider: string; eventId: number; reason: string }[];
} {
  const byKey = new Map<string, Observation[]>();
  for (const observation of observations) {
    if (!Number.isInteger(observation.eventId)) continue;
    const key = `${observation.provider}\u0000${observation.eventId}`;
    const list = byKey.get(key) ?? [];
    list.push(observation);
    byKey.set(key, list);
  }

  const events: EventRecord[] = [];
  const skipped: { provider: string; eventId: number; reason: string }[] = [];
  for (const list of byKey.values()) {
    const { provider, eventId } = list[0]!;
    const ranked = [...list].sort(
      (a, b) => SOURCE_RANK.get(a.source)! - SOURCE_RANK.get(b.source)!,
    );

    const candidates = ranked
      .map((observation) => ({
        observation,
        candidate: titleCandidate(observation.rawTitle),
      }))
      .filter((entry) => entry.candidate !== undefined);
    const chosen =
      candidates.find((entry) => entry.candidate!.clean) ?? candidates[0];
    if (!chosen) {
      skipped.push({
        provider,
        eventId,
        reason: "no source gives a title that is not a message template",
      });
      continue;
    }

    const event: EventRecord = {
      provider,
      eventId,
      title: chosen.candidate!.title,
      titleSource: chosen.observation.source,
    };
    const channel = ranked.find((observation) => observation.channel)?.channel;
    if (channel) event.channel = channel;

    // Fields come from full payload listings before the evtx maps, which
    // name only the fields they display. OSSEM-DD keeps one file per event
    // version, so its lists are merged.
    const fieldSource = FIELD_SOURCES.find((source) =>
      list.some((o) => o.source === source && (o.fields?.length ?? 0) > 0),
    );
    if (fieldSource) {
      const fields = new Set<string>();
      for (const observation of list) {
        if (observation.source !== fieldSource) continue;
        for (const field of observation.fields ?? []) fields.add(field);
      }
      event.fields = [...fields];
      event.fieldsSource = fieldSource;
    }
    events.push(event);
  }

  const order = (a: { provider: string; eventId: number }, b: typeof a) =>
    a.provider.localeCompare(b.provider) || a.eventId - b.eventId;
  return { events: events.sort(order), skipped: skipped.sort(order) };
}

function main(): void {
  const reference = resolve(referenceFolder(), "events");
  const providers = new ProviderTable();
  providers.note(
    "Sysmon",
    "Microsoft-Windows-Sysmon",
    "Microsoft-Windows-Sysmon/Operational",
  );
  providers.note("Security", "Microsoft-Windows-Security-Auditing", "Security");
  providers.note("System", "Service Control Manager", "System");

  const observations = [
    ...readSysmonDocs(reference),
    ...readSecurityGuide(reference),
    ...readManifestTitles(reference, providers),
    ...readEvtxMaps(reference, providers),
    ...readOssem(reference, providers),
  ];
  const { events, skipped } = mergeEvents(observations);

  const data: EventCatalogData = {
    description:
      "Windows log events with official titles and payload fields, generated by scripts/generate-events.ts. Each event names the source of its title and of its fields.",
    generatedAt: today(),
    sources: SOURCES.map((source) => ({ ...source })),
    providers: providers.list(),
    events,
    skipped,
  };
  writeJson("data/events/windows-events.json", data);
}

main();
