import { deploySequence } from "../../stacks/app";
import { parseEnvironments } from "../../stacks/environment/validate";
import type { Environment } from "../../stacks/environment/schema";
import { stackJson, synthEnvironments } from "../support/app";
import { DeployStep, bringUpTraits, walkBringUp, walkTeardown } from "../support/bring-up";
import { variant } from "../support/variant";
import { findEnvironmentFile, shippedEnvironmentFiles } from "../../stacks/environments";

const dev = findEnvironmentFile("dev").input;
const onprem = findEnvironmentFile("onprem").input;

/** Every pod network mode each platform accepts, as variants of a shipped environment. */
const MODE_VARIANTS: unknown[] = [
  ...(["ipip", "ipip-cross-subnet", "vxlan", "vxlan-cross-subnet", "policy-only"] as const).map(
    (mode, i) =>
      variant(dev, {
        name: `eks${i}`,
        podNetwork: { mode },
        cluster: { name: `eks${i}-platform` },
        state: undefined,
      }),
  ),
  ...(["direct", "ipip", "vxlan", "ipip-cross-subnet", "vxlan-cross-subnet"] as const).map(
    (mode, i) => variant(onprem, { name: `onprem${i}`, podNetwork: { mode } }),
  ),
];

const inputs = [...shippedEnvironmentFiles().map((f) => f.input), ...MODE_VARIANTS];
const environments = parseEnvironments(inputs);
const { outdir } = synthEnvironments(inputs, { offline: false });

function steps(env: Environment): DeployStep[] {
  return deploySequence(env).map((stack) => ({ stack, json: stackJson(outdir, stack) }));
}

const cases = environments.map((env) => [`${env.name} (${env.podNetwork.mode})`, env] as const);

describe("a fresh bring-up in the documented deploy order", () => {
  it.each(cases)("%s: every step has what it needs before it starts", (_, env) => {
    expect(walkBringUp(steps(env), bringUpTraits(env)).map((v) => v.message)).toEqual([]);
  });

  it.each(cases)("%s: teardown in reverse order keeps what each step needs", (_, env) => {
    expect(walkTeardown(steps(env), bringUpTraits(env)).map((v) => v.message)).toEqual([]);
  });
});
