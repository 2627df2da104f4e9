/**
 * The iperf3 image. netbench ships no default: no registry could be reached where this tool was
 * written, so no digest could be verified (see docs/day-2.md). A digest is required so every
 * run, and every node, measures with the same binary.
 */

import { displayValue } from "../../constructs/shared/validation/display";

const PINNED = /^(?<name>[^@\s]+)@sha256:[0-9a-f]{64}$/;

/** The first path component is a registry host when it has a dot or a port, or is localhost. */
function splitRegistry(name: string): { registry?: string; repository: string } {
  const [first, ...rest] = name.split("/");
  if (rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    return { registry: first, repository: rest.join("/") };
  }
  return { repository: name };
}

/**
 * The image reference pods run: `image` (pinned by digest), moved to `registry` when given, for
 * clusters that pull through a mirror. `registry` replaces the image's own registry host.
 */
export function resolveImage(image: string | undefined, registry?: string): string {
  if (!image) {
    throw new Error(
      "netbench needs an iperf3 image pinned by digest: --image <repository>@sha256:<digest> " +
        "(or NETBENCH_IMAGE); see docs/day-2.md",
    );
  }
  const match = PINNED.exec(image);
  if (!match?.groups) {
    throw new Error(
      `--image must be pinned by digest (<repository>@sha256:<64 hex>); got ${displayValue(image)}`,
    );
  }
  if (!registry) return image;
  const { repository } = splitRegistry(match.groups.name);
  return `${registry.replace(/\/+$/, "")}/${repository}${image.slice(match.groups.name.length)}`;
}
