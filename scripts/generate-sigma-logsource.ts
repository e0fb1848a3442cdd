/**
 * Generates data/sigma/logsource-events.json: which Windows events each
 * Sigma log source category and service stands for.
 *
 * Sources, under ../shared/reference/events (or the folder given as the
 * first argument):
 * - sigma-logsource-guides/ (SigmaHQ/sigma @ 8eaafff1, documentation/
 *   logsource-guides): the event sources of the categories whose guide is
 *   written (process_creation, ps_script, ps_module) and the payload fields
 *   of each event the guide lists.
 * - sysmon-docs/sysmon.md (Sysmon v15.21 documentation): the names of the
 *   Sysmon events, used to check every Sysmon event id below.
 *
 * Categories whose guide is still "Coming Soon" take their events from the
 * SYSMON_CATEGORIES table below, which pairs each Sigma category with the
 * Sysmon events whose documented name describes it; the generator fails
 * when an id there is not in the Sysmon documentation.
 *
 * Usage: tsx scripts/generate-sigma-logsource.ts [REFERENCE_EVENTS_FOLDER]
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const referenceFolder = resolve(
  process.argv[2] ?? join(projectRoot, "../shared/reference/events"),
);
const output = join(projectRoot, "data/sigma/logsource-events.json");

/**
 * Sigma categories served by Sysmon, with the Sysmon event ids whose
 * documented names (in brackets) describe them. The guides name the
 * registry categories but give no events yet.
 */
const SYSMON_CATEGORIES: Record<string, number[]> = {
  process_creation: [1], // Process creation
  file_change: [2], // A process changed a file creation time
  network_connection: [3], // Network connection
  sysmon_status: [4, 16], // Sysmon service state changed; ServiceConfigurationChange
  process_termination: [5], // Process terminated
  driver_load: [6], // Driver loaded
  image_load: [7], // Image loaded
  create_remote_thread: [8], // CreateRemoteThread
  raw_access_thread: [9], // RawAccessRead
  process_access: [10], // ProcessAccess
  file_event: [11], // FileCreate
  registry_add: [12], // RegistryEvent (Object create and delete)
  registry_delete: [12], // RegistryEvent (Object create and delete)
  registry_set: [13], // RegistryEvent (Value Set)
  registry_rename: [14], // RegistryEvent (Key and Value Rename)
  registry_event: [12, 13, 14], // all three RegistryEvent ids
  create_stream_hash: [15], // FileCreateStreamHash
  pipe_created: [17, 18], // PipeEvent (Pipe Created); PipeEvent (Pipe Connected)
  wmi_event: [19, 20, 21], // WmiEvent filter, consumer and binding
  dns_query: [22], // DNSEvent (DNS query)
  file_delete: [23, 26], // FileDelete (File Delete archived); FileDeleteDetected
  clipboard_capture: [24], // ClipboardChange
  process_tampering: [25], // ProcessTampering
  file_block_executable: [27], // FileBlockExecutable
  file_block_shredding: [28], // FileBlockShredding
  file_executable_detected: [29], // FileExecutableDetected
  sysmon_error: [255], // Error
};

/**
 * Categories of the classic Windows PowerShell log, named after the event
 * they read: engine start (400), provider start (600) and pipeline
 * execution (800).
 */
const CLASSIC_POWERSHELL_CATEGORIES: Record<string, number> = {
  ps_classic_start: 400,
  ps_classic_provider_start: 600,
  ps_classic_script: 800,
};

/**
 * Sigma Windows service names and the event log channel each names. The
 * provider shown to users is resolved from the channel at analysis time.
 */
const WINDOWS_SERVICES: Record<string, string> = {
  security: "Security",
  system: "System",
  application: "Application",
  sysmon: "Microsoft-Windows-Sysmon/Operational",
  powershell: "Microsoft-Windows-PowerShell/Operational",
  "powershell-classic": "Windows PowerShell",
  windefend: "Microsoft-Windows-Windows Defender/Operational",
  taskscheduler: "Microsoft-Windows-TaskScheduler/Operational",
  wmi: "Microsoft-Windows-WMI-Activity/Operational",
  "codeintegrity-operational": "Microsoft-Windows-CodeIntegrity/Operational",
  "bits-client": "Microsoft-Windows-Bits-Client/Operational",
  applocker: "Microsoft-Windows-AppLocker/EXE and DLL",
  "firewall-as":
    "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall",
  "dns-client": "Microsoft-Windows-DNS Client Events/Operational",
  "dns-server": "DNS Server",
  "dns-server-analytic": "Microsoft-Windows-DNS-Server/Analytical",
  ntlm: "Microsoft-Windows-NTLM/Operational",
  "printservice-admin": "Microsoft-Windows-PrintService/Admin",
  "printservice-operational": "Microsoft-Windows-PrintService/Operational",
  "smbclient-security": "Microsoft-Windows-SmbClient/Security",
  "smbclient-connectivity": "Microsoft-Windows-SmbClient/Connectivity",
  "smbserver-connectivity": "Microsoft-Windows-SMBServer/Connectivity",
  "shell-core": "Microsoft-Windows-Shell-Core/Operational",
  "terminalservices-localsessionmanager":
    "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
  "appxdeployment-server": "Microsoft-Windows-AppXDeploymentServer/Operational",
  "security-mitigations": "Microsoft-Windows-Security-Mitigations/KernelMode",
  "driver-framework": "Microsoft-Windows-DriverFrameworks-UserMode/Operational",
  "msexchange-management": "MSExchange Management",
  "microsoft-servicebus-client": "Microsoft-ServiceBus-Client",
  "lsa-server": "Microsoft-Windows-LSA/Operational",
  "diagnosis-scripted": "Microsoft-Windows-Diagnosis-Scripted/Operational",
  ldap: "Microsoft-Windows-LDAP-Client/Debug",
  "iis-configuration": "Microsoft-IIS-Configuration/Operational",
};

/** Guide provider names and the provider names users know them by. */
const GUIDE_PROVIDERS: Record<string, string> = {
  "Microsoft Windows Security Auditing": "Security",
  "Microsoft-Windows-Sysmon": "Sysmon",
  "Microsoft-Windows-PowerShell": "PowerShell",
  PowerShellCore: "PowerShell Core",
};

/**
 * Sigma process_creation rules use Sysmon 1 field names. The
 * process_creation guide notes that Security 4688 carries the same facts
 * under other names; these are the pairs, Sysmon name first. The generator
 * keeps only pairs whose 4688 name the guide lists.
 */
const SECURITY_4688_NAMES: Record<string, string> = {
  Image: "NewProcessName",
  ParentImage: "ParentProcessName",
  CommandLine: "CommandLine",
  ProcessId: "NewProcessId",
  ParentProcessId: "ProcessId",
  User: "SubjectUserName",
  LogonId: "SubjectLogonId",
  IntegrityLevel: "MandatoryLabel",
};

interface CategoryEvent {
  provider: string;
  eventId: number;
  /** Payload fields, where the guide lists them. */
  fields?: string[];
  /** Sigma field names and the payload field each stands for in this event. */
  aliases?: Record<string, string>;
  source: string;
}

function sysmonEventNames(): Map<number, string> {
  const text = readFileSync(
    join(referenceFolder, "sysmon-docs/sysmon.md"),
    "utf8",
  );
  const names = new Map<number, string>();
  for (const line of text.split("\n")) {
    const prefix = "### Event ID ";
    if (!line.startsWith(prefix)) continue;
    const colon = line.indexOf(":");
    const id = Number(line.slice(prefix.length, colon));
    if (Number.isInteger(id)) names.set(id, line.slice(colon + 1).trim());
  }
  return names;
}

/** Reads the `yml` event-source blocks and field lists of one guide. */
function readGuide(file: string): CategoryEvent[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const events: CategoryEvent[] = [];
  let provider: string | undefined;
  let inBlock = false;
  let fieldsFor: CategoryEvent | undefined;
  const source = `sigma-logsource-guides/windows/${basename(dirname(file))}/${basename(file)}`;

  for (const line of lines) {
    if (line.startsWith("```yml")) {
      inBlock = true;
      continue;
    }
    if (line.startsWith("```")) {
      inBlock = false;
      fieldsFor = undefined;
      continue;
    }
    if (line.startsWith("### Provider: ")) {
      const [name, id] = line
        .slice("### Provider: ".length)
        .split(" / EventID: ");
      const known = GUIDE_PROVIDERS[name.trim()] ?? name.trim();
      fieldsFor = events.find(
        (event) => event.provider === known && event.eventId === Number(id),
      );
      continue;
    }
    if (!inBlock) continue;
    if (line.startsWith("Provider: "))
      provider = line.slice("Provider: ".length).trim();
    else if (line.startsWith("EventID: ") && provider) {
      const known = GUIDE_PROVIDERS[provider] ?? provider;
      events.push({
        provider: known,
        eventId: Number(line.slice("EventID: ".length)),
        source,
      });
    } else if (line.startsWith("- ") && fieldsFor) {
      (fieldsFor.fields ??= []).push(line.slice(2).trim());
    }
  }
  return events;
}

function main(): void {
  const guides = join(
    referenceFolder,
    "sigma-logsource-guides/windows/category",
  );
  if (!existsSync(guides))
    throw new Error(`logsource guides not found under ${referenceFolder}`);
  const sysmonNames = sysmonEventNames();
  const categories: Record<string, CategoryEvent[]> = {};

  for (const name of readdirSync(guides).sort()) {
    const category = basename(name, ".md");
    const events = readGuide(join(guides, name));
    if (events.length > 0) categories[category] = events;
  }

  const security4688 = categories.process_creation?.find(
    (event) => event.provider === "Security" && event.eventId === 4688,
  );
  if (!security4688?.fields)
    throw new Error("process_creation guide lists no 4688 fields");
  security4688.aliases = Object.fromEntries(
    Object.entries(SECURITY_4688_NAMES).filter(([, name]) =>
      security4688.fields!.includes(name),
    ),
  );

  for (const [category, ids] of Object.entries(SYSMON_CATEGORIES)) {
    const events = (categories[category] ??= []);
    for (const id of ids) {
      if (!sysmonNames.has(id))
        throw new Error(
          `Sysmon event ${id} for ${category} is not in sysmon.md`,
        );
      if (
        events.some(
          (event) => event.provider === "Sysmon" && event.eventId === id,
        )
      )
        continue;
      events.push({
        provider: "Sysmon",
        eventId: id,
        source: `sysmon-docs: ${sysmonNames.get(id)}`,
      });
    }
  }
  for (const [category, id] of Object.entries(CLASSIC_POWERSHELL_CATEGORIES)) {
    categories[category] = [
      {
        provider: "Windows PowerShell",
        eventId: id,
        source: "generator table",
      },
    ];
  }

  const data = {
    description:
      "Windows events behind each Sigma log source category and service, written by scripts/generate-sigma-logsource.ts.",
    sources: [
      {
        id: "sigma-logsource-guides",
        description: "SigmaHQ/sigma @ 8eaafff1 documentation/logsource-guides",
      },
      {
        id: "sysmon-docs",
        description:
          "Sysmon v15.21 documentation, MicrosoftDocs/sysinternals @ 8e3453544f1e",
      },
      {
        id: "generator table",
        description: "tables in scripts/generate-sigma-logsource.ts",
      },
    ],
    product: "windows",
    categories: Object.fromEntries(
      Object.entries(categories).sort(([a], [b]) => a.localeCompare(b)),
    ),
    services: WINDOWS_SERVICES,
  };
  writeFileSync(output, JSON.stringify(data, null, 2) + "\n");
}

main();
