/**
 * The defaults docs/constructs.md states (`prop` = value, or `prop = value` inside code) are the
 * constructs' own: each is looked up in the props schemas of the section's area
 * (`constructs/<area>/props.ts`, named in the section heading), where the defaults live, so the
 * documentation cannot drift from the code unnoticed.
 */
import * as fs from "fs";
import * as path from "path";
import { ZodTypeAny, z } from "zod";
import * as calico from "../../constructs/calico/props";
import * as eks from "../../constructs/eks/props";
import * as ingress from "../../constructs/ingress/props";
import * as karpenter from "../../constructs/karpenter/props";
import * as kms from "../../constructs/kms/props";
import * as metallb from "../../constructs/metallb/props";
import * as network from "../../constructs/network/props";
import * as shared from "../../constructs/shared/props";

const AREAS: Record<string, object> = {
  calico,
  eks,
  ingress,
  karpenter,
  kms,
  metallb,
  network,
  shared,
};

const DOC = path.resolve(__dirname, "..", "..", "docs", "constructs.md");

/** Every defaulted field of the schemas an area module exports, by name, parsed as props are. */
function areaDefaults(area: object): Map<string, unknown[]> {
  const defaults = new Map<string, unknown[]>();
  const seen = new Set<ZodTypeAny>();
  const visit = (schema: ZodTypeAny): void => {
    if (seen.has(schema)) return;
    seen.add(schema);
    if (schema instanceof z.ZodObject) {
      for (const [name, field] of Object.entries(schema.shape as Record<string, ZodTypeAny>)) {
        if (field instanceof z.ZodDefault) {
          // Parsed, so a default object carries its fields' defaults as a construct sees them.
          const value: unknown = field.parse(undefined);
          defaults.set(name, [...(defaults.get(name) ?? []), value]);
        }
        visit(field);
      }
    } else if (schema instanceof z.ZodDefault) visit(schema.removeDefault() as ZodTypeAny);
    else if (schema instanceof z.ZodOptional) visit(schema.unwrap() as ZodTypeAny);
    else if (schema instanceof z.ZodEffects) visit(schema.innerType() as ZodTypeAny);
    else if (schema instanceof z.ZodPipeline) visit(schema._def.in as ZodTypeAny);
    else if (schema instanceof z.ZodArray) visit(schema.element as ZodTypeAny);
    else if (schema instanceof z.ZodDiscriminatedUnion) {
      for (const option of schema.options as ZodTypeAny[]) visit(option);
    }
  };
  for (const value of Object.values(area)) {
    if (value instanceof z.ZodType) visit(value);
    // Shapes shared with the environment schema (such as podNetworkFields) are plain objects.
    else if (typeof value === "object" && value !== null) visit(z.object(value));
  }
  return defaults;
}

/** A documented value: a scalar, or `{ key: scalar, ... }`; undefined when neither. */
function parseValue(text: string): unknown {
  const scalar = (s: string): unknown =>
    s === "true" ? true : s === "false" ? false : /^\d+$/.test(s) ? Number(s) : s;
  const object = /^\{(.*)\}$/.exec(text);
  if (!object) return scalar(text);
  const entries = object[1].split(",").map((entry) => /^\s*(\w+):\s*([^\s]+)\s*$/.exec(entry));
  if (entries.some((entry) => entry === null)) return undefined;
  return Object.fromEntries(entries.map((entry) => [entry![1], scalar(entry![2])]));
}

interface Documented {
  readonly name: string;
  readonly value: unknown;
  readonly text: string;
}

/** The `prop = value` statements of one section, props being camelCase (Terraform attributes are not). */
function documentedDefaults(section: string): Documented[] {
  const text = section.replace(/\s+/g, " ");
  const found: Documented[] = [];
  const add = (name: string, value: string) => {
    const parsed = parseValue(value);
    if (/^[a-z][a-zA-Z0-9]*$/.test(name) && parsed !== undefined) {
      found.push({ name, value: parsed, text: `${name} = ${value}` });
    }
  };
  for (const m of text.matchAll(/`(\w+)` = (?:`([^`]+)`|([\w/-]+(?:\.[\w/-]+)*))/g))
    add(m[1], m[2] ?? m[3]);
  for (const span of text.matchAll(/`([^`]+)`/g)) {
    for (const m of span[1].matchAll(/(\w+) = (\{[^}]*\}|[\w/-]+(?:\.[\w/-]+)*)/g)) add(m[1], m[2]);
  }
  return found;
}

const sections = fs
  .readFileSync(DOC, "utf8")
  .split(/^(?=## )/m)
  .flatMap((section) => {
    const area = /^## .*\(`constructs\/(\w+)`\)/.exec(section)?.[1];
    return area ? [{ heading: section.split("\n")[0], area, section }] : [];
  });

test("docs/constructs.md has a section per construct area", () => {
  expect(sections.map((s) => s.area).sort()).toEqual(
    ["calico", "eks", "ingress", "karpenter", "kms", "metallb", "network", "shared"].sort(),
  );
});

describe.each(sections)("$heading", ({ area, section }) => {
  const documented = documentedDefaults(section);
  const defaults = areaDefaults(AREAS[area]);

  test("states defaults", () => {
    expect(documented.length).toBeGreaterThan(0);
  });

  test.each(documented)("$text is the construct's default", ({ name, value }) => {
    const candidates = defaults.get(name);
    if (candidates === undefined) {
      throw new Error(`no props schema of constructs/${area} has a default for ${name}`);
    }
    expect(candidates).toContainEqual(
      typeof value === "object" ? expect.objectContaining(value) : value,
    );
  });
});
