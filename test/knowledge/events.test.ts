import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  findEvent,
  providerName,
  providersWithEvent,
} from "../../src/knowledge/events.ts";
import { resolveDataSource } from "../../src/knowledge/data-sources.ts";
import { loadDataFile } from "../../src/knowledge/data-files.ts";
import type { EventCatalogData } from "../../src/knowledge/events.ts";

/** Text a message template leaves behind when used as a title. */
function looksLikeTemplate(title: string): boolean {
  return /[{}%]|Context:|User Data:/.test(title);
}

describe("findEvent", () => {
  it("covers Sysmon 1 to 29", () => {
    for (let id = 1; id <= 29; id++) {
      const event = findEvent("Sysmon", id);
      assert.ok(event, `Sysmon ${id} is missing`);
      assert.ok(event.title.length > 0, `Sysmon ${id} has no title`);
    }
    assert.equal(findEvent("Sysmon", 1)?.title, "Process creation");
    assert.equal(findEvent("Sysmon", 22)?.title, "DNSEvent (DNS query)");
  });

  it("titles PowerShell events without templates", () => {
    for (const id of [4103, 4104, 4105, 4106]) {
      const event = findEvent("PowerShell", id);
      assert.ok(event, `PowerShell ${id} is missing`);
      assert.ok(!looksLikeTemplate(event.title), event.title);
    }
    assert.equal(
      findEvent("PowerShell", 4104)?.title,
      "Creating Scriptblock text",
    );
    assert.equal(findEvent("PowerShell", 4103)?.title, "Pipeline executed");
  });

  it("covers Windows PowerShell and System", () => {
    for (const id of [400, 403, 600, 800]) {
      assert.ok(
        findEvent("Windows PowerShell", id),
        `Windows PowerShell ${id}`,
      );
    }
    assert.equal(
      findEvent("System", 7045)?.title,
      "A new service was installed in the system",
    );
    assert.equal(findEvent("System", 104)?.title, "Event log cleared");
  });

  it("takes Security titles from Microsoft", () => {
    const event = findEvent("Security", 4688);
    assert.equal(event?.title, "A new process has been created");
    assert.ok(event?.fields?.includes("NewProcessName"));
    assert.ok(event?.fields?.includes("CommandLine"));
    assert.equal(
      findEvent("Security", 4624)?.title,
      "An account was successfully logged on",
    );
  });

  it("accepts Windows provider and channel names", () => {
    assert.equal(findEvent("Microsoft-Windows-Sysmon", 3)?.provider, "Sysmon");
    assert.equal(
      findEvent("XmlWinEventLog:Security", 4625)?.provider,
      "Security",
    );
    assert.equal(findEvent("security", 4625)?.provider, "Security");
  });

  it("finds other providers' events in the System log", () => {
    const event = findEvent("System", 35);
    assert.equal(event?.provider, "System");
    assert.ok(event?.title.startsWith("Synchronizing system time"));
    // Two providers write event 1 to the System log.
    assert.equal(findEvent("System", 1), undefined);
  });

  it("covers Sysmon for Linux and Application events", () => {
    assert.equal(findEvent("Sysmon for Linux", 11)?.title, "FileCreate");
    assert.equal(
      findEvent("MsiInstaller", 1033)?.title,
      "A program was installed",
    );
    assert.equal(findEvent("Application", 1033)?.provider, "Application");
  });

  it("returns undefined for unknown events", () => {
    assert.equal(findEvent("Sysmon", 9999), undefined);
    assert.equal(findEvent("No Such Provider", 1), undefined);
  });

  it("returns a copy of the fields", () => {
    findEvent("Sysmon", 1)!.fields!.push("Injected");
    assert.ok(!findEvent("Sysmon", 1)!.fields!.includes("Injected"));
  });
});

describe("providerName", () => {
  it("reads Splunk sources and channels", () => {
    assert.equal(
      providerName("XmlWinEventLog:Microsoft-Windows-PowerShell/Operational"),
      "PowerShell",
    );
    assert.equal(providerName("WinEventLog:System"), "System");
    assert.equal(providerName("Windows PowerShell"), "Windows PowerShell");
    assert.equal(providerName("unknown/Operational"), undefined);
  });

  it("lists providers with an id", () => {
    assert.ok(providersWithEvent(4104).includes("PowerShell"));
  });
});

describe("resolveDataSource", () => {
  it("reads known data source names", () => {
    assert.deepEqual(resolveDataSource("Sysmon EventID 1"), [
      { name: "Sysmon EventID 1", provider: "Sysmon", eventId: 1 },
    ]);
    assert.deepEqual(resolveDataSource("Windows Event Log Security 4688"), [
      {
        name: "Windows Event Log Security 4688",
        provider: "Security",
        eventId: 4688,
      },
    ]);
    assert.deepEqual(
      resolveDataSource("Powershell Script Block Logging 4104"),
      [
        {
          name: "Powershell Script Block Logging 4104",
          provider: "PowerShell",
          eventId: 4104,
        },
      ],
    );
  });

  it("splits names joined by AND", () => {
    const logs = resolveDataSource("Sysmon EventID 1 AND Sysmon EventID 11");
    assert.deepEqual(
      logs.map((log) => log.eventId),
      [1, 11],
    );
  });

  it("reads unlisted names by their shape", () => {
    assert.deepEqual(resolveDataSource("Sysmon EventID 26"), [
      { name: "Sysmon EventID 26", provider: "Sysmon", eventId: 26 },
    ]);
    assert.equal(
      resolveDataSource("Windows Security 5136")[0]?.provider,
      "Security",
    );
    assert.deepEqual(
      resolveDataSource("NTLM Operational 8004,8005").map((log) => log.eventId),
      [8004, 8005],
    );
  });

  it("names logs without event ids", () => {
    assert.deepEqual(resolveDataSource("AWS CloudTrail"), [
      { name: "AWS CloudTrail", provider: "AWS CloudTrail" },
    ]);
  });
});

describe("event catalog data", () => {
  const catalog = loadDataFile<EventCatalogData>("events/windows-events.json");

  it("has no template titles", () => {
    for (const event of catalog.events) {
      assert.ok(
        !looksLikeTemplate(event.title),
        `${event.provider} ${event.eventId}: ${event.title}`,
      );
      assert.ok(event.title.trim().length > 0);
    }
  });

  it("names a known source per title", () => {
    const sources = new Set(catalog.sources.map((source) => source.id));
    for (const event of catalog.events) {
      assert.ok(sources.has(event.titleSource), event.titleSource);
    }
  });

  it("lists each event once", () => {
    const keys = catalog.events.map((e) => `${e.provider} ${e.eventId}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it("covers the security audit events", () => {
    const security = catalog.events.filter((e) => e.provider === "Security");
    assert.ok(security.length > 350, `only ${security.length}`);
  });
});
