import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { kubeConfigFor } from "../../scripts/lib/cluster/access";
import { parseEnvironments } from "../../stacks/environment/validate";
import { findEnvironment, findEnvironmentFile } from "../../stacks/environments";
import { eksTokenExec } from "../../constructs/shared/cluster-access";
import { variant } from "../support/variant";

const eks = mockClient(EKSClient);
afterEach(() => eks.reset());

describe("cluster access for the day-2 tools", () => {
  it("reaches an EKS cluster like the platform stack: endpoint and CA, token from aws eks get-token", async () => {
    eks.on(DescribeClusterCommand, { name: "dev-platform" }).resolves({
      cluster: {
        name: "dev-platform",
        endpoint: "https://0123456789ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
        certificateAuthority: { data: "LS0tLS1CRUdJTi...==" },
        status: "ACTIVE",
      },
    });
    const config = await kubeConfigFor(findEnvironment("dev"), {}, new EKSClient({}));
    expect(config.getCurrentCluster()).toMatchObject({
      server: "https://0123456789ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
      caData: "LS0tLS1CRUdJTi...==",
    });
    expect(config.getCurrentUser()?.exec).toEqual(
      eksTokenExec({ clusterName: "dev-platform", region: "ap-northeast-2" }),
    );
    expect(config.getCurrentUser()?.exec.args).toEqual([
      "eks",
      "get-token",
      "--cluster-name",
      "dev-platform",
      "--region",
      "ap-northeast-2",
      "--output",
      "json",
    ]);
  });

  it("requests the token as aws.assumeRoleArn, as the providers and the Calico wait do", async () => {
    const role = "arn:aws:iam::111111111111:role/terraform";
    const [env] = parseEnvironments([
      variant(findEnvironmentFile("dev").input, {
        aws: { assumeRoleArn: role },
        pipeline: { plan: { roleArn: undefined } },
      }),
    ]);
    eks.on(DescribeClusterCommand).resolves({
      cluster: {
        name: "dev-platform",
        endpoint: "https://0123456789ABCDEF.gr7.ap-northeast-2.eks.amazonaws.com",
        certificateAuthority: { data: "LS0tLS1CRUdJTi...==" },
        status: "ACTIVE",
      },
    });
    const config = await kubeConfigFor(env, {}, new EKSClient({}));
    const args = config.getCurrentUser()?.exec.args as string[];
    expect(args.slice(args.indexOf("--role-arn"), args.indexOf("--role-arn") + 2)).toEqual([
      "--role-arn",
      role,
    ]);
  });

  it("says so when the cluster has no endpoint yet", async () => {
    eks
      .on(DescribeClusterCommand)
      .resolves({ cluster: { name: "dev-platform", status: "CREATING" } });
    await expect(kubeConfigFor(findEnvironment("dev"), {}, new EKSClient({}))).rejects.toThrow(
      "EKS cluster dev-platform in ap-northeast-2 has no endpoint yet (status CREATING)",
    );
  });

  describe("on-prem", () => {
    let directory: string;
    beforeEach(() => {
      directory = fs.mkdtempSync(path.join(os.tmpdir(), "access-"));
    });
    afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

    function kubeconfig(contexts: string[]): string {
      const file = path.join(directory, "config.json");
      fs.writeFileSync(
        file,
        JSON.stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: contexts.map((c) => ({
            name: c,
            cluster: { server: `https://${c}.example:6443` },
          })),
          users: [{ name: "admin", user: { token: "t" } }],
          contexts: contexts.map((c) => ({ name: c, context: { cluster: c, user: "admin" } })),
          "current-context": contexts[0],
        }),
      );
      return file;
    }

    it("uses the environment's context in the kubeconfig", async () => {
      const file = kubeconfig(["laptop", "onprem-admin"]);
      const config = await kubeConfigFor(findEnvironment("onprem"), { kubeconfig: file });
      expect(config.getCurrentContext()).toBe("onprem-admin");
      expect(config.getCurrentCluster()?.server).toBe("https://onprem-admin.example:6443");
    });

    it("names the context it could not find, the contexts there are, and what to pass", async () => {
      const file = kubeconfig(["laptop", "lab\u001b[31m"]);
      const failure = kubeConfigFor(findEnvironment("onprem"), { kubeconfig: file });
      await expect(failure).rejects.toThrow(
        `kubeconfig ${file} has no context "onprem-admin" (it has: laptop, "lab\\u001b[31m")`,
      );
      await expect(failure).rejects.toMatchObject({
        call: `read kubeconfig ${file}`,
        next: expect.stringContaining("--context <name>"),
      });
    });

    it("reads only a regular kubeconfig of at most 4 MiB: a device, a FIFO or a huge file fail at once", async () => {
      const fifo = path.join(directory, "fifo");
      execFileSync("mkfifo", [fifo]);
      const huge = path.join(directory, "huge");
      fs.writeFileSync(huge, "");
      fs.truncateSync(huge, 4 * 1024 * 1024 + 1);
      const onprem = findEnvironment("onprem");
      for (const file of ["/dev/zero", fifo, directory]) {
        await expect(kubeConfigFor(onprem, { kubeconfig: file })).rejects.toThrow(
          `cannot read kubeconfig ${file}: not a regular file`,
        );
      }
      // A path that would forge a workflow command is shown escaped, in the call and the message.
      const forged = path.join(directory, "k\n::error::forged");
      const failure = kubeConfigFor(onprem, { kubeconfig: forged });
      await expect(failure).rejects.toMatchObject({
        call: `read kubeconfig ${JSON.stringify(forged)}`,
        message: `cannot read kubeconfig ${JSON.stringify(forged)}: no such file`,
      });
      await expect(kubeConfigFor(onprem, { kubeconfig: huge })).rejects.toThrow(
        `cannot read kubeconfig ${huge}: larger than 4194304 bytes, the most it reads`,
      );
    });

    it("says which file names a kubeconfig it cannot read, and what to pass instead", async () => {
      const missing = path.join(directory, "missing");
      const onprem = findEnvironment("onprem");
      if (onprem.platform !== "onprem") throw new Error("onprem is not on-prem");
      const env = { ...onprem, kubeconfig: { ...onprem.kubeconfig, path: missing } };
      await expect(kubeConfigFor(env)).rejects.toMatchObject({
        call: `read kubeconfig ${missing}`,
        message: expect.stringContaining(`cannot read kubeconfig ${missing}: no such file`),
        next: expect.stringMatching(/--kubeconfig <file>.*kubeconfig\.path .* in onprem\.yaml$/),
      });
      await expect(kubeConfigFor(onprem, { kubeconfig: missing })).rejects.toMatchObject({
        next: "pass a kubeconfig this machine has with --kubeconfig <file> [--context <name>]",
      });
    });
  });
});
