import {
  changedAttributes,
  forcingAttributes,
  formatPath,
  KNOWN_AFTER_APPLY,
  SENSITIVE,
} from "../../scripts/plan/attributes";
import type { ResourceChangeJson } from "../../scripts/plan/plan-json";

type Change = ResourceChangeJson["change"];

describe("changedAttributes", () => {
  it("lists changed leaves with before → after, nested blocks by index", () => {
    const change: Change = {
      actions: ["update"],
      before: { name: "q", timeout: 30, tags: { team: "a", env: "dev" }, rule: [{ port: 80 }] },
      after: { name: "q", timeout: 60, tags: { team: "b", env: "dev" }, rule: [{ port: 443 }] },
      after_unknown: {},
    };
    expect(changedAttributes(change)).toEqual([
      { path: "timeout", before: "30", after: "60" },
      { path: "tags.team", before: "a", after: "b" },
      { path: "rule[0].port", before: "80", after: "443" },
    ]);
  });

  it("shows lists of values whole, and lists whose length changed", () => {
    const change: Change = {
      actions: ["update"],
      before: { cidrs: ["10.0.0.0/8"], rule: [{ port: 80 }] },
      after: { cidrs: ["10.0.0.0/8", "192.168.0.0/16"], rule: [] },
    };
    expect(changedAttributes(change)).toEqual([
      { path: "cidrs", before: '["10.0.0.0/8"]', after: '["10.0.0.0/8","192.168.0.0/16"]' },
      { path: "rule", before: '[{"port":80}]', after: "[]" },
    ]);
  });

  it("never shows a sensitive value, not even which part of it changed", () => {
    const change: Change = {
      actions: ["update"],
      before: { password: "hunter2", settings: { token: "abc", user: "x" } },
      after: { password: "hunter3", settings: { token: "abd", user: "x" } },
      before_sensitive: { password: true, settings: true },
      after_sensitive: { password: true, settings: true },
    };
    const shown = changedAttributes(change);
    expect(shown).toEqual([
      { path: "password", before: SENSITIVE, after: SENSITIVE },
      { path: "settings", before: SENSITIVE, after: SENSITIVE },
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/hunter|abc|abd/);
  });

  it("masks a value that becomes sensitive, and names values known only after apply, last", () => {
    const change: Change = {
      actions: ["update"],
      before: { arn: "arn:1", note: "public", size: 1 },
      after: { note: "secret", size: 2 },
      after_unknown: { arn: true },
      after_sensitive: { note: true },
    };
    expect(changedAttributes(change)).toEqual([
      { path: "note", before: "public", after: SENSITIVE },
      { path: "size", before: "1", after: "2" },
      { path: "arn", before: "arn:1", after: KNOWN_AFTER_APPLY },
    ]);
  });

  it("cuts long values and shows multi-line strings on one line", () => {
    const policy = JSON.stringify({ Statement: "x".repeat(200) });
    const [attribute] = changedAttributes({
      actions: ["update"],
      before: { policy, script: "a" },
      after: { policy: `${policy} `, script: "a" },
    });
    expect(attribute.before).toMatch(/^\{"Statement":"x+… \(216 chars\)$/);
    expect(attribute.before.length).toBeLessThan(100);
    const [script] = changedAttributes({
      actions: ["update"],
      before: { script: "#!/bin/sh\necho a\n" },
      after: { script: "#!/bin/sh\necho b\n" },
    });
    expect(script).toEqual({
      path: "script",
      before: '"#!/bin/sh\\necho a\\n"',
      after: '"#!/bin/sh\\necho b\\n"',
    });
  });
});

describe("forcingAttributes", () => {
  it("gives each forcing path its values, expanding a block to its changed leaves", () => {
    const change: Change = {
      actions: ["delete", "create"],
      before: { cidr_block: "10.10.0.0/16", vpc_config: [{ subnet_ids: ["a"], public: true }] },
      after: { cidr_block: "10.11.0.0/16", vpc_config: [{ public: true }] },
      after_unknown: { vpc_config: [{ subnet_ids: true }] },
      replace_paths: [["cidr_block"], ["vpc_config"], ["cidr_block"]],
    };
    expect(forcingAttributes(change)).toEqual([
      { path: "cidr_block", before: "10.10.0.0/16", after: "10.11.0.0/16" },
      { path: "vpc_config[0].subnet_ids", before: '["a"]', after: KNOWN_AFTER_APPLY },
    ]);
  });

  it("keeps a forcing path whose value did not visibly change", () => {
    expect(
      forcingAttributes({
        actions: ["delete", "create"],
        before: { zone: "a" },
        after: { zone: "a" },
        replace_paths: [["zone"]],
      }),
    ).toEqual([{ path: "zone", before: "a", after: "a" }]);
  });

  it("formats paths as Terraform writes them", () => {
    expect(formatPath(["ebs_block_device", 0, "volume_size"])).toBe(
      "ebs_block_device[0].volume_size",
    );
  });
});
