import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  AttackCatalog,
  type AttackData,
  attackVersion,
  resolveTactic,
  resolveTechnique,
  resolveTechniqueByName,
} from "../../src/knowledge/attack.ts";

describe("resolveTechnique", () => {
  it("names a technique with its tactic", () => {
    const technique = resolveTechnique("T1046");
    assert.equal(technique.id, "T1046");
    assert.equal(technique.name, "Network Service Discovery");
    assert.deepEqual(technique.tactics, ["Discovery"]);
    assert.equal(technique.status, undefined);
  });

  it("places T1016 under Discovery", () => {
    const technique = resolveTechnique("T1016");
    assert.equal(technique.name, "System Network Configuration Discovery");
    assert.deepEqual(technique.tactics, ["Discovery"]);
  });

  it("prefixes sub-techniques with the parent name", () => {
    const technique = resolveTechnique("T1048.003");
    assert.equal(
      technique.name,
      "Exfiltration Over Alternative Protocol: Exfiltration Over Unencrypted Non-C2 Protocol",
    );
    assert.deepEqual(technique.tactics, ["Exfiltration"]);
  });

  it("lists tactics in matrix order", () => {
    assert.deepEqual(resolveTechnique("T1055").tactics, [
      "Privilege Escalation",
      "Stealth",
    ]);
  });

  it("lands a revoked id on its successor", () => {
    const declared = resolveTechnique("T1562.001");
    const successor = resolveTechnique(declared.id);
    assert.equal(declared.declaredId, "T1562.001");
    assert.equal(declared.status, "revoked");
    assert.equal(declared.id, successor.id);
    assert.equal(declared.name, successor.name);
    assert.deepEqual(declared.tactics, successor.tactics);
    assert.equal(successor.status, undefined);
    assert.deepEqual(successor.tactics, ["Defense Impairment"]);
  });

  it("flags deprecated techniques", () => {
    const technique = resolveTechnique("T1064");
    assert.equal(technique.status, "deprecated");
    assert.equal(technique.id, "T1064");
    assert.equal(technique.name, "Scripting");
  });

  it("accepts Sigma tags and lower case", () => {
    assert.equal(resolveTechnique("attack.t1059.001").id, "T1059.001");
    assert.equal(resolveTechnique("t1046").name, "Network Service Discovery");
  });

  it("flags ids no release has", () => {
    const technique = resolveTechnique("T9999");
    assert.equal(technique.status, "unknown");
    assert.equal(technique.id, "T9999");
    assert.equal(technique.name, "");
    assert.deepEqual(technique.tactics, []);
  });
});

describe("resolveTechniqueByName", () => {
  it("matches a name in any case", () => {
    const technique = resolveTechniqueByName("endpoint denial of service");
    assert.equal(technique?.id, "T1499");
    assert.equal(technique?.declaredId, "T1499");
    assert.equal(technique?.name, "Endpoint Denial of Service");
    assert.deepEqual(technique?.tactics, ["Impact"]);
    assert.equal(technique?.status, undefined);
  });

  it("matches sub-techniques with their parent", () => {
    assert.equal(
      resolveTechniqueByName("command and scripting interpreter:powershell")
        ?.id,
      "T1059.001",
    );
    assert.equal(
      resolveTechniqueByName("Command and Scripting Interpreter: PowerShell")
        ?.id,
      "T1059.001",
    );
  });

  it("matches a unique sub-technique name alone", () => {
    // T1086, revoked, shares the name and lands on the same technique.
    const technique = resolveTechniqueByName("PowerShell");
    assert.equal(technique?.id, "T1059.001");
    assert.equal(technique?.declaredId, "T1059.001");
    assert.equal(technique?.status, undefined);
  });

  it("rejects names of several techniques", () => {
    assert.equal(resolveTechniqueByName("dns"), undefined);
    assert.equal(resolveTechniqueByName("cloud accounts"), undefined);
  });

  it("follows revoked names to their successor", () => {
    const technique = resolveTechniqueByName("indicator blocking");
    assert.equal(technique?.id, "T1685");
    assert.equal(technique?.status, "revoked");
  });

  it("rejects unknown and partial names", () => {
    assert.equal(resolveTechniqueByName("no such technique"), undefined);
    assert.equal(resolveTechniqueByName("endpoint denial"), undefined);
    assert.equal(resolveTechniqueByName(""), undefined);
  });
});

describe("resolveTactic", () => {
  it("reads Sigma tactic tags", () => {
    assert.equal(resolveTactic("attack.stealth")?.name, "Stealth");
    assert.equal(
      resolveTactic("attack.defense-impairment")?.name,
      "Defense Impairment",
    );
  });

  it("maps Defense Evasion to Stealth", () => {
    assert.equal(resolveTactic("attack.defense-evasion")?.id, "TA0005");
    assert.equal(resolveTactic("Defense Evasion")?.name, "Stealth");
  });

  it("accepts ids and display names", () => {
    assert.equal(resolveTactic("TA0007")?.name, "Discovery");
    assert.equal(resolveTactic("Command and Control")?.id, "TA0011");
    assert.equal(resolveTactic("command_and_control")?.id, "TA0011");
  });

  it("returns undefined for technique tags", () => {
    assert.equal(resolveTactic("attack.t1059"), undefined);
  });
});

describe("attackVersion", () => {
  it("names the current release", () => {
    assert.match(attackVersion(), /^\d+\.\d+$/);
  });
});

describe("AttackCatalog on a small fixture", () => {
  const catalog = new AttackCatalog(
    JSON.parse(
      readFileSync(
        new URL("../fixtures/knowledge/attack-small.json", import.meta.url),
        "utf8",
      ),
    ) as AttackData,
  );

  it("follows revocations over two hops", () => {
    const technique = catalog.resolveTechnique("T0001.001");
    assert.equal(technique.id, "T0002");
    assert.equal(technique.name, "New Parent");
    assert.equal(technique.status, "revoked");
    assert.deepEqual(technique.tactics, ["First", "Last"]);
  });

  it("keeps a revoked id without a link", () => {
    const technique = catalog.resolveTechnique("T0003");
    assert.equal(technique.id, "T0003");
    assert.equal(technique.status, "revoked");
  });

  it("stops on revocation cycles", () => {
    const technique = catalog.resolveTechnique("T0004");
    assert.equal(technique.status, "revoked");
    assert.ok(["T0004", "T0005"].includes(technique.id));
  });

  it("names dropped ids from the previous release", () => {
    const technique = catalog.resolveTechnique("T0009.001");
    assert.equal(technique.status, "unknown");
    assert.equal(technique.id, "T0009.001");
    assert.equal(technique.name, "Dropped Parent: Dropped Child");
    assert.deepEqual(technique.tactics, ["First", "Hiding"]);
  });

  it("matches names of revoked and dropped techniques", () => {
    assert.equal(catalog.resolveTechniqueByName("old child")?.id, "T0002");
    assert.equal(
      catalog.resolveTechniqueByName("Dropped Parent:Dropped Child")?.id,
      "T0009.001",
    );
    const dropped = catalog.resolveTechniqueByName("dropped child");
    assert.equal(dropped?.id, "T0009.001");
    assert.equal(dropped?.status, "unknown");
  });

  it("maps renamed tactics by id", () => {
    assert.equal(catalog.resolveTactic("attack.evading")?.name, "Hiding");
    assert.equal(catalog.resolveTactic("Evading")?.id, "TA0002");
    assert.equal(catalog.version(), "2.0");
  });
});
