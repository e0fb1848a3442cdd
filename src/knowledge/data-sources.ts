import { loadDataFile } from "./data-files.ts";
import { listProviders } from "./events.ts";

/** One security_content data source definition, as the table stores it. */
export interface DataSourceRecord {
  /** The name detections write in `data_source`, such as `Sysmon EventID 1`. */
  name: string;
  /** Splunk source, such as `XmlWinEventLog:Security`. */
  source?: string;
  sourcetype?: string;
  /** Set for event log data sources. */
  provider?: string;
  eventId?: number;
}

/** The shape of data/events/splunk-data-sources.json, written by scripts/generate-data-sources.ts. */
export interface DataSourceTable {
  description: string;
  source: string;
  generatedAt: string;
  dataSources: DataSourceRecord[];
}

/** A log a data source name stands for: an event, or a named log without event ids. */
export interface DataSourceLog {
  /** The single data source name this log was read from. */
  name: string;
  /** Event provider, or for logs without event ids the data source name. */
  provider: string;
  eventId?: number;
}

interface DataSourceIndex {
  byName: Map<string, DataSourceRecord>;
  /** Name prefixes of event log sources (`Windows Event Log Security`) to providers. */
  providerByPrefix: Map<string, string>;
}

let index: DataSourceIndex | undefined;

function dataSourceIndex(): DataSourceIndex {
  if (index) return index;
  const table = loadDataFile<DataSourceTable>(
    "events/splunk-data-sources.json",
  );
  const byName = new Map<string, DataSourceRecord>();
  const providerByPrefix = new Map<string, string>();
  for (const record of table.dataSources) {
    byName.set(record.name.toLowerCase(), record);
    if (record.provider && record.eventId !== undefined) {
      const prefix = record.name.slice(0, record.name.lastIndexOf(" "));
      providerByPrefix.set(prefix.toLowerCase(), record.provider);
    }
  }
  index = { byName, providerByPrefix };
  return index;
}

/**
 * Reads a security_content `data_source` name as the logs it stands for.
 * Names joined by ` AND ` are read one by one. Names not in the table but
 * shaped like `<log> <id>` or `<log> <id>,<id>` use the provider of known
 * names with the same prefix, or a provider whose name ends the prefix
 * (`Windows Security 5136` is Security 5136), else the prefix itself.
 * Anything else is a log without event ids, named by the data source.
 */
export function resolveDataSource(name: string): DataSourceLog[] {
  const { byName, providerByPrefix } = dataSourceIndex();
  const logs: DataSourceLog[] = [];
  for (const part of name.split(/\s+AND\s+/)) {
    const single = part.trim();
    if (single === "") continue;

    const record = byName.get(single.toLowerCase());
    if (record) {
      logs.push(
        record.provider && record.eventId !== undefined
          ? { name: single, provider: record.provider, eventId: record.eventId }
          : { name: single, provider: single },
      );
      continue;
    }

    const shaped = /^(.*\S)\s+(\d+(?:\s*,\s*\d+)*)$/.exec(single);
    if (!shaped) {
      logs.push({ name: single, provider: single });
      continue;
    }
    const prefix = shaped[1]!;
    const provider =
      providerByPrefix.get(prefix.toLowerCase()) ??
      providerEndingPrefix(prefix) ??
      prefix;
    for (const id of shaped[2]!.split(",")) {
      logs.push({ name: single, provider, eventId: Number(id.trim()) });
    }
  }
  return logs;
}

function providerEndingPrefix(prefix: string): string | undefined {
  const lower = prefix.toLowerCase();
  return listProviders().find(
    (provider) =>
      lower === provider.name.toLowerCase() ||
      lower.endsWith(` ${provider.name.toLowerCase()}`),
  )?.name;
}
