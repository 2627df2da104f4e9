/**
 * The platform stacks of the shipped environments through `terraform validate`, as far as this
 * machine can: without the helm and kubernetes providers, which are not mirrored here.
 */
import * as fs from "fs";
import * as path from "path";
import { stackNames } from "../../../stacks/app";
import { shippedEnvironments } from "../../../stacks/environments";
import { stackJson, synthShipped } from "../../support/app";
import { scratchDir } from "../../support/scratch";
import { type ValidationGroup, expectValid } from "./group";

/** Providers whose binaries are not on this machine; their resources are projected away. */
const UNAVAILABLE_PROVIDERS = ["helm", "kubernetes"];

type Json = Record<string, unknown>;

/**
 * The part of a platform stack Terraform can check here: everything but the helm and kubernetes
 * resources and providers. With a Calico CNI the system node group, CoreDNS and the Calico
 * readiness wait live in the platform stack, and this validates them with the real aws provider.
 */
function withoutUnavailableProviders(json: Json): Json {
  const dropped = new Set<string>();
  const keep = (block: unknown, prefix: string): Json => {
    const kept: Json = {};
    for (const [type, byName] of Object.entries((block ?? {}) as Record<string, Json>)) {
      if (UNAVAILABLE_PROVIDERS.some((p) => type.startsWith(`${p}_`))) {
        for (const name of Object.keys(byName)) dropped.add(`${prefix}${type}.${name}`);
      } else {
        kept[type] = byName;
      }
    }
    return kept;
  };
  const resources = keep(json.resource, "");
  const data = keep(json.data, "data.");
  for (const byName of [...Object.values(resources), ...Object.values(data)] as Json[]) {
    for (const body of Object.values(byName) as Json[]) {
      if (Array.isArray(body.depends_on)) {
        body.depends_on = (body.depends_on as string[]).filter((d) => !dropped.has(d));
      }
    }
  }
  // Import blocks adopting a dropped resource (the namespaces) go with it.
  const imports = ((json.import ?? []) as Json[]).filter((i) => !dropped.has(String(i.to)));
  const serialized = JSON.stringify([resources, data, imports]);
  for (const address of dropped) {
    if (serialized.includes(`\${${address}.`)) {
      throw new Error(`a kept resource refers to ${address}; the projection cannot validate it`);
    }
  }
  const terraform = json.terraform as Json;
  const providers = { ...(json.provider as Json) };
  const required = { ...(terraform.required_providers as Json) };
  for (const p of UNAVAILABLE_PROVIDERS) {
    delete providers[p];
    delete required[p];
  }
  // Terraform rejects empty blocks; a stack may have nothing left of a kind.
  const unlessEmpty = (key: string, value: Json) =>
    Object.keys(value).length > 0 ? { [key]: value } : {};
  const projected: Json = { ...json, terraform: { ...terraform } };
  delete projected.provider;
  delete projected.resource;
  delete projected.data;
  delete projected.import;
  delete (projected.terraform as Json).required_providers;
  return {
    ...projected,
    ...unlessEmpty("provider", providers),
    ...unlessEmpty("resource", resources),
    ...unlessEmpty("data", data),
    ...(imports.length > 0 ? { import: imports } : {}),
    terraform: { ...(projected.terraform as Json), ...unlessEmpty("required_providers", required) },
  };
}

/** Every shipped environment has a platform stack. */
const PLATFORMS = shippedEnvironments().map((e) => stackNames(e.name).platform);

export function platformAws(): ValidationGroup {
  let outdir: string;
  return {
    synth: async () => {
      outdir = synthShipped({ offline: true }).outdir;
      return PLATFORMS.map((stack) => {
        const dir = scratchDir(`${stack}-aws-`);
        const projected = withoutUnavailableProviders(stackJson(outdir, stack));
        fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(projected));
        return dir;
      });
    },
    describe: (validations) =>
      describe("platform stacks without the helm and kubernetes providers", () => {
        it.each(PLATFORMS.map((stack, i) => [stack, i] as const))(
          "%s: the rest validates with the real aws provider",
          (_stack, i) => expectValid(validations()[i]),
        );

        it("keeps what can be checked: the Calico CNI platform stacks still hold the node group and the wait", () => {
          const json = withoutUnavailableProviders(stackJson(outdir, "dev-platform"));
          expect(Object.keys(json.resource as Json).sort()).toEqual(
            ["aws_eks_addon", "aws_eks_node_group", "aws_launch_template", "terraform_data"].sort(),
          );
        });
      }),
  };
}
