/**
 * The environment file's `pipeline`: where plans and deploys run and the roles they assume.
 * A runner that cannot reach the cluster, or a plan runner a deploy runner would also take, is
 * refused while the files load (synth, `npm run plan`, the workflows' environment list), naming
 * the file and the field.
 */
import { resolvePipeline } from "../../stacks/environment/pipeline";
import { EnvironmentValidationError, parseEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { edited, shippedEnvironmentTexts, loadError } from "../support/environment-files";
import { variant } from "../support/variant";

const texts = shippedEnvironmentTexts();
const prod = findEnvironmentFile("prod").input;
const dev = findEnvironmentFile("dev").input;
const onprem = findEnvironmentFile("onprem").input;

/** Every problem of one environment input, as `field: message`. */
function problems(input: unknown): string[] {
  try {
    parseEnvironment(input);
  } catch (error) {
    if (!(error instanceof EnvironmentValidationError)) throw error;
    return error.problems.map((p) => `${p.path.join(".")}: ${p.message}`);
  }
  return [];
}

/** A file's text without its `pipeline:` block (the lines up to the next top-level key). */
const withoutPipeline = (text: string) => edited(text, [[/\npipeline:\n( .*\n)+/, "\n"]]);

describe("runners that cannot reach the cluster", () => {
  it("refuses prod's private endpoint on GitHub's runners, naming the file and the field", () => {
    const message = loadError({ "prod.yaml": withoutPipeline(texts["prod.yaml"]) });
    expect(message).toContain('prod.yaml: environment "prod"');
    expect(message).toContain(
      "pipeline.deploy.runsOn: runs deploy jobs on GitHub-hosted runners [ubuntu-latest] (the default), " +
        "which cannot reach the cluster: the cluster's API endpoint is private (cluster.endpoint.public is false)",
    );
    expect(message).toContain("pipeline.plan.runsOn: runs plan jobs on GitHub-hosted runners");
    expect(message).toContain("such as [self-hosted, prod-deploy]");
  });

  it("refuses an allowlisted public endpoint (dev, staging) on GitHub's runners", () => {
    const message = loadError({
      "dev.yaml": edited(texts["dev.yaml"], [
        ["runsOn: [self-hosted, dev-plan]", "runsOn: [ubuntu-24.04]"],
      ]),
    });
    expect(message).toContain(
      "pipeline.plan.runsOn: runs plan jobs on GitHub-hosted runners [ubuntu-24.04], which cannot reach " +
        "the cluster: the cluster's public endpoint admits only 203.0.113.0/24",
    );
    expect(message).not.toContain("pipeline.deploy.runsOn");
  });

  it("accepts GitHub's runners for an endpoint open to the internet", () => {
    expect(
      problems(
        variant(dev, {
          cluster: { endpoint: { public: true, publicAccessCidrs: [] } },
          pipeline: undefined,
        }),
      ),
    ).toEqual([]);
  });

  it("refuses GitHub's runners for an on-prem cluster, and deploys it on its own runner by default", () => {
    expect(resolvePipeline(parseEnvironment(onprem)).deploy.runsOn).toEqual([
      "self-hosted",
      "onprem",
    ]);
    expect(resolvePipeline(parseEnvironment(onprem)).plan).toBeUndefined();
    expect(
      problems(variant(onprem, { pipeline: { plan: { runsOn: ["ubuntu-latest"] } } })),
    ).toEqual([
      expect.stringMatching(
        /^pipeline\.plan\.runsOn: runs plan jobs on GitHub-hosted runners \[ubuntu-latest\], which cannot reach the cluster: an on-prem cluster is reached through the kubeconfig/,
      ),
    ]);
  });
});

describe("plan runners a deploy runner would also take", () => {
  it("refuses plan labels that are all labels of the environment's deploy runner", () => {
    expect(
      problems(
        variant(prod, {
          pipeline: {
            plan: { runsOn: ["self-hosted"] },
            deploy: { runsOn: ["self-hosted", "prod-deploy"] },
          },
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^pipeline\.plan\.runsOn: \[self-hosted\] are all labels of the deploy runner \[self-hosted, prod-deploy\]/,
      ),
    ]);
  });

  it("refuses plan labels that another environment's deploy runner carries, in that file", () => {
    const message = loadError({
      "dev.yaml": edited(texts["dev.yaml"], [
        ["runsOn: [self-hosted, dev-plan]", "runsOn: [self-hosted, prod-deploy]"],
      ]),
    });
    expect(message).toContain('dev.yaml: environment "dev"');
    expect(message).toContain(
      "pipeline.plan.runsOn: [self-hosted, prod-deploy] are all labels of prod's deploy runner",
    );
  });

  it("refuses runner labels GitHub would not match as written", () => {
    expect(
      problems(
        variant(prod, {
          pipeline: { deploy: { runsOn: ["prod deploy", "a,b"] } },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^pipeline\.deploy\.runsOn\.0: must be a runner label/),
      expect.stringMatching(/^pipeline\.deploy\.runsOn\.1: must be a runner label/),
    ]);
    expect(problems(variant(prod, { pipeline: { deploy: { runsOn: [] } } }))).toEqual([
      "pipeline.deploy.runsOn: must list at least one runner label",
    ]);
  });
});

describe("the pipeline's roles", () => {
  const plan = "arn:aws:iam::333333333333:role/platform-plan";

  it("refuses a role of another account", () => {
    expect(
      problems(
        variant(prod, {
          pipeline: { deploy: { roleArn: "arn:aws:iam::999999999999:role/deploy" } },
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^pipeline\.deploy\.roleArn: is in account 999999999999, not the environment's 333333333333/,
      ),
    ]);
  });

  it("refuses a plan role that is the deploy role or a cluster admin", () => {
    expect(problems(variant(prod, { pipeline: { deploy: { roleArn: plan } } }))).toEqual([
      expect.stringMatching(/^pipeline\.plan\.roleArn: is also pipeline\.deploy\.roleArn/),
    ]);
    expect(problems(variant(prod, { cluster: { admins: [plan] } }))).toEqual([
      expect.stringMatching(/^pipeline\.plan\.roleArn: is also in cluster\.admins/),
    ]);
  });

  it("refuses aws.assumeRoleArn beside a plan role: plans would act as the assumed role", () => {
    expect(
      problems(
        variant(prod, { aws: { assumeRoleArn: "arn:aws:iam::333333333333:role/terraform" } }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^aws\.assumeRoleArn: the providers and every cluster token assume this role, in plans too/,
      ),
    ]);
  });
});
