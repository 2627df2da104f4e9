import * as fs from "fs";
import * as path from "path";
import { Aspects, Testing } from "cdktf";
import { PolicyAspect } from "../../constructs/policy";
import { allStacks, buildApp } from "../../stacks/app";
import { shippedEnvironments } from "../../stacks/environments";

interface Manifest {
  stacks: Record<
    string,
    { annotations: { constructPath: string; level: string; message: string }[] }
  >;
}

describe.each([false, true])("shipped environments (offline %s)", (offline) => {
  const app = Testing.app();
  const environments = shippedEnvironments();
  const built = buildApp(app, environments, { offline });

  it("carry the platform policy pack on every stack", () => {
    for (const stack of allStacks(built)) {
      expect([
        stack.node.path,
        Aspects.of(stack).all.some((a) => a instanceof PolicyAspect),
      ]).toEqual([stack.node.path, true]);
    }
  });

  it("synthesize with no policy errors, and only the expected warnings", () => {
    expect(() => app.synth()).not.toThrow();
    const manifest = JSON.parse(
      fs.readFileSync(path.join(app.outdir, "manifest.json"), "utf8"),
    ) as Manifest;
    const warnings = Object.values(manifest.stacks)
      .flatMap((stack) => stack.annotations)
      .filter((a) => a.level === "@cdktf/warn" && /^PLT-/.test(a.message))
      .map((a) => `${a.message.split(":")[0]} ${a.constructPath}`);
    // Local state warns: offline mode gives every stack a local backend on purpose, and an
    // environment without a state bucket (on-prem) uses one too.
    const expected = [...built]
      .filter(([name]) => offline || !environments.find((e) => e.name === name)?.state)
      .flatMap(([, stacks]) => [stacks.infra, stacks.platform])
      .flatMap((stack) => (stack ? [`PLT-STATE-2 ${stack.node.path}/backend`] : []));
    expect(warnings.sort()).toEqual(expected.sort());
    // Bootstrap stacks keep local state by design (their bucket does not exist yet): suppressed
    // with a reason, which synth prints.
    const suppressed = Object.values(manifest.stacks)
      .flatMap((stack) => stack.annotations)
      .filter((a) => /PLT-STATE-2 suppressed/.test(a.message))
      .map((a) => a.constructPath);
    expect(suppressed.sort()).toEqual(
      [...built]
        .flatMap(([, s]) => (s.bootstrap ? [`${s.bootstrap.node.path}/backend`] : []))
        .sort(),
    );
  });
});
