import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { WaitForCondition } from "../../constructs/shared/wait-for-condition";
import type { ClusterAccess } from "../../constructs/shared/cluster-access";
import { runTerraform } from "../../scripts/lib/terraform";
import { synthConstruct } from "../support/synth";
import { describeWithTerraform } from "../support/terraform-available";
import { scratchDir } from "../support/scratch";

const SCRIPTS = path.join(__dirname, "../../constructs/shared/wait-for-condition/scripts");
const SCRIPT = path.join(SCRIPTS, "wait-for-condition.sh");
const EKS: ClusterAccess = {
  kind: "eks",
  clusterName: "dev-platform",
  region: "ap-northeast-2",
  endpoint: "https://ABC.gr7.ap-northeast-2.eks.amazonaws.com",
  certificateAuthorityData: "Q0EtREFUQQ==",
};

/**
 * A directory with stub `kubectl` and `aws` commands. kubectl logs each call (arguments, and the
 * kubeconfig it was given) and answers from files: `get` fails until its countdown reaches zero,
 * `wait` exits with the status in `wait-status`.
 */
function stubTools(options: {
  getFailures: number;
  waitStatus: number;
  aws?: boolean;
  /** Successive answers to `get <object> -o jsonpath=...`, by object. */
  answers?: Record<string, string[]>;
}) {
  const dir = scratchDir("wait-stubs-");
  for (const [object, lines] of Object.entries(options.answers ?? {})) {
    fs.writeFileSync(
      path.join(dir, `answers-${object.replace("/", "_")}`),
      lines.join("\n") + "\n",
    );
  }
  fs.writeFileSync(path.join(dir, "get-failures"), String(options.getFailures));
  fs.writeFileSync(path.join(dir, "wait-status"), String(options.waitStatus));
  fs.writeFileSync(
    path.join(dir, "kubectl"),
    [
      "#!/usr/bin/env bash",
      `dir=${JSON.stringify(dir)}`,
      'echo "kubectl $*" >>"$dir/calls"',
      'prev=""; for a in "$@"; do if [ "$prev" = --kubeconfig ]; then cat "$a" >>"$dir/kubeconfigs"; fi; prev="$a"; done',
      // `get X -o jsonpath=...`: print the next line of the file named after X (then the last).
      'for a in "$@"; do case "$a" in jsonpath=*) obj=""; for b in "$@"; do case "$b" in */*) obj="$b";; esac; done;',
      '  f="$dir/answers-${obj//\\//_}"; if [ -f "$f" ]; then head -n1 "$f"; if [ "$(wc -l <"$f")" -gt 1 ]; then sed -i 1d "$f"; fi; fi; exit 0;; esac; done',
      'for a in "$@"; do',
      '  if [ "$a" = get ]; then n=$(cat "$dir/get-failures");',
      '    if [ "$n" -gt 0 ]; then echo $((n-1)) >"$dir/get-failures"; echo "error: the server doesn\'t have a resource type \\"tigerastatus\\"" >&2; exit 1; fi; exit 0; fi',
      '  if [ "$a" = wait ]; then exit "$(cat "$dir/wait-status")"; fi',
      "done",
    ].join("\n"),
    { mode: 0o755 },
  );
  if (options.aws !== false) {
    fs.writeFileSync(path.join(dir, "aws"), "#!/usr/bin/env bash\nexit 0\n", { mode: 0o755 });
  }
  const read = (file: string) =>
    fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : "";
  return { dir, calls: () => read("calls"), kubeconfigs: () => read("kubeconfigs") };
}

/** The tools the script itself uses, without kubectl or aws (the machine may have real ones). */
const BASE_TOOLS = ["bash", "cat", "date", "head", "mktemp", "rm", "sed", "sleep", "wc"];
const baseTools = scratchDir("wait-tools-");
for (const tool of BASE_TOOLS) {
  const found = ["/usr/bin", "/bin"].map((d) => path.join(d, tool)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${tool} is not installed`);
  fs.symlinkSync(found, path.join(baseTools, tool));
}

/** PATH with the stubs first and only the basic tools after (no real kubectl or aws). */
const pathWith = (dir: string) => `${dir}:${baseTools}`;

function runScript(env: Record<string, string>, stubs: { dir: string }) {
  return spawnSync("bash", [SCRIPT], {
    encoding: "utf8",
    env: {
      PATH: pathWith(stubs.dir),
      HOME: "/home/deployer",
      WAIT_RESOURCE: "tigerastatus/calico",
      WAIT_CONDITION: "Available",
      WAIT_TIMEOUT_SECONDS: "30",
      WAIT_POLL_SECONDS: "0",
      ACCESS_KIND: "eks",
      CLUSTER_NAME: "dev-platform",
      CLUSTER_REGION: "ap-northeast-2",
      CLUSTER_ENDPOINT: "https://ABC.eks.amazonaws.com",
      CLUSTER_CA_DATA: "Q0EtREFUQQ==",
      ...env,
    },
  });
}

describe("wait-for-condition.sh", () => {
  it("polls until the object exists, then waits for the condition with the time left", () => {
    const stubs = stubTools({ getFailures: 2, waitStatus: 0 });
    const result = runScript({}, stubs);
    expect(result.status).toBe(0);
    const calls = stubs.calls().trim().split("\n");
    expect(calls.filter((c) => c.includes(" get tigerastatus/calico"))).toHaveLength(3);
    expect(calls[3]).toMatch(
      /^kubectl --kubeconfig \S+ wait --for=condition=Available tigerastatus\/calico --timeout=(29|30)s$/,
    );
  });

  it("writes a kubeconfig whose token comes from aws eks get-token --output json", () => {
    const stubs = stubTools({ getFailures: 0, waitStatus: 0 });
    expect(
      runScript({ CLUSTER_ROLE_ARN: "arn:aws:iam::111111111111:role/deploy" }, stubs).status,
    ).toBe(0);
    const kubeconfig = stubs.kubeconfigs();
    expect(kubeconfig).toContain("server: https://ABC.eks.amazonaws.com");
    expect(kubeconfig).toContain("certificate-authority-data: Q0EtREFUQQ==");
    expect(kubeconfig).toContain(
      "args: [eks, get-token, --cluster-name, dev-platform, --region, ap-northeast-2, --role-arn, arn:aws:iam::111111111111:role/deploy, --output, json]",
    );
  });

  it("uses a kubeconfig path (with ~/ expanded) and context on-prem", () => {
    const stubs = stubTools({ getFailures: 0, waitStatus: 0 });
    const result = runScript(
      {
        ACCESS_KIND: "kubeconfig",
        KUBECONFIG_PATH: "~/.kube/config",
        KUBECONFIG_CONTEXT: "onprem-admin",
      },
      stubs,
    );
    expect(result.status).toBe(0);
    expect(stubs.calls()).toContain(
      "kubectl --kubeconfig /home/deployer/.kube/config --context onprem-admin get tigerastatus/calico -o name",
    );
  });

  it("gives up with the last error when the object never appears", () => {
    const stubs = stubTools({ getFailures: 1_000_000, waitStatus: 0 });
    const result = runScript({ WAIT_TIMEOUT_SECONDS: "1", WAIT_POLL_SECONDS: "0.2" }, stubs);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'wait-for-condition: tigerastatus/calico did not appear within 1s (last error: error: the server doesn\'t have a resource type "tigerastatus")',
    );
  });

  it("fails when the condition does not hold in time", () => {
    const stubs = stubTools({ getFailures: 0, waitStatus: 1 });
    const result = runScript({}, stubs);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "wait-for-condition: tigerastatus/calico is not Available after 30s",
    );
  });

  it("says what the runner lacks when kubectl or the AWS CLI is missing", () => {
    const noAws = stubTools({ getFailures: 0, waitStatus: 0, aws: false });
    expect(runScript({}, noAws).stderr).toContain(
      "aws is not installed on the machine running this apply; the deploy runner needs the AWS CLI (v2)",
    );
    const empty = scratchDir("wait-empty-");
    expect(runScript({}, { dir: empty }).stderr).toContain(
      "kubectl is not installed on the machine running this apply; the deploy runner needs kubectl",
    );
  });
});

describe("wait-for-condition.sh proving the new state", () => {
  const proving = {
    WAIT_GENERATION_OF: "installation/default",
    WAIT_FIELD_RESOURCE: "installation/default",
    WAIT_FIELD_PATH: "{.status.calicoVersion}",
    WAIT_FIELD_VALUE: "v3.31.7",
  };

  it("holds until the condition reports the current generation and the field the new value", () => {
    const stubs = stubTools({
      getFailures: 0,
      waitStatus: 0,
      answers: {
        // The Installation is at generation 3 (the change); TigeraStatus still reports 2.
        "installation/default": ["3", "3", "3", "v3.30.0", "v3.31.7"],
        "tigerastatus/calico": ["2", "3"],
      },
    });
    const result = runScript(proving, stubs);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "Available reports generation 2 of installation/default, which is at 3; waiting",
    );
    expect(result.stdout).toContain("Available reports generation 3 of installation/default");
    expect(result.stdout).toContain(
      'installation/default {.status.calicoVersion} is "v3.30.0"; waiting for "v3.31.7"',
    );
    const calls = stubs.calls().trim().split("\n");
    const waitCall = calls.findIndex((c) => c.includes(" wait --for=condition=Available"));
    // The condition is waited for only once it describes the current generation.
    expect(
      calls.slice(0, waitCall).filter((c) => c.includes("tigerastatus/calico -o jsonpath")),
    ).toHaveLength(2);
  });

  it("fails naming the generations when the status never catches up", () => {
    const stubs = stubTools({
      getFailures: 0,
      waitStatus: 0,
      answers: { "installation/default": ["3"], "tigerastatus/calico": ["2"] },
    });
    const result = runScript(
      { ...proving, WAIT_TIMEOUT_SECONDS: "1", WAIT_POLL_SECONDS: "0.2" },
      stubs,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "tigerastatus/calico's Available still reports generation 2 of installation/default, which is at 3, after 1s",
    );
  });

  it("fails naming the field when the new version never shows", () => {
    const stubs = stubTools({
      getFailures: 0,
      waitStatus: 0,
      answers: { "installation/default": ["1", "v3.30.0"], "tigerastatus/calico": ["1"] },
    });
    const result = runScript(
      { ...proving, WAIT_TIMEOUT_SECONDS: "1", WAIT_POLL_SECONDS: "0.2" },
      stubs,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'installation/default {.status.calicoVersion} is "v3.30.0", not "v3.31.7", after 1s',
    );
  });
});

describe("WaitForCondition", () => {
  it("renders a terraform_data that runs the script with the access and condition", () => {
    const json = synthConstruct(
      (scope) =>
        new WaitForCondition(scope, "calico-ready", {
          access: EKS,
          resource: "tigerastatus/calico",
          condition: "Available",
          triggers: { version: "v3.31.7" },
        }),
    );
    const data = Object.values(json.resource?.terraform_data ?? {})[0] as Record<string, never>;
    expect(data.input).toEqual({ resource: "tigerastatus/calico", condition: "Available" });
    expect(data.triggers_replace).toEqual({ version: "v3.31.7" });
    const [provisioner] = (data.provisioner as { "local-exec": Record<string, unknown> }[]).map(
      (p) => p["local-exec"],
    );
    expect(provisioner.interpreter).toEqual(["bash"]);
    // The stack's copy of scripts/, which holds cluster-access.sh beside the script.
    expect(provisioner.command).toMatch(/^assets\/.+\/wait-for-condition\.sh$/);
    expect(provisioner.environment).toMatchObject({
      ACCESS_KIND: "eks",
      CLUSTER_NAME: "dev-platform",
      WAIT_TIMEOUT_SECONDS: "900",
    });
  });

  it.each([
    [{ resource: "calico" }, /WaitForConditionProps\.resource: must be kind\/name/],
    [{ condition: "is ready" }, /WaitForConditionProps\.condition: must be a condition type/],
    [
      { timeoutSeconds: 5 },
      /WaitForConditionProps\.timeoutSeconds: must be a whole number of seconds from 30/,
    ],
  ])("rejects %j", (patch, message) => {
    expect(() =>
      synthConstruct(
        (scope) =>
          new WaitForCondition(scope, "w", {
            access: EKS,
            resource: "tigerastatus/calico",
            condition: "Available",
            ...patch,
          }),
      ),
    ).toThrow(message);
  });
});

describeWithTerraform("WaitForCondition applied by Terraform", () => {
  function applied(waitStatus: number) {
    const outdir = scratchDir("wait-apply-");
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "wait");
    new LocalBackend(stack, { path: "terraform.tfstate" });
    new WaitForCondition(stack, "calico-ready", {
      access: EKS,
      resource: "tigerastatus/calico",
      condition: "Available",
      timeoutSeconds: 60,
    });
    app.synth();
    const dir = path.join(outdir, "stacks", "wait");
    const stubs = stubTools({ getFailures: 1, waitStatus });
    const env = { PATH: `${stubs.dir}:${process.env.PATH}`, WAIT_POLL_SECONDS: "0" };
    expect(runTerraform(dir, ["init", "-input=false", "-no-color"], env).status).toBe(0);
    return { stubs, apply: runTerraform(dir, ["apply", "-auto-approve", "-no-color"], env) };
  }

  it("runs the wait during apply, from the stack's own copy of the script", () => {
    const { stubs, apply } = applied(0);
    expect(apply.stderr).toBe("");
    expect(apply.status).toBe(0);
    expect(stubs.calls()).toMatch(
      /wait --for=condition=Available tigerastatus\/calico --timeout=\d+s/,
    );
  });

  it("fails the apply when the condition does not hold", () => {
    const { apply } = applied(1);
    expect(apply.status).toBe(1);
    expect(apply.stderr).toContain("tigerastatus/calico is not Available after 60s");
  });
});
