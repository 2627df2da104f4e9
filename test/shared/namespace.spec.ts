import { Testing, TerraformStack } from "cdktf";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { platformNamespace } from "../../constructs/shared/namespace";

describe("platformNamespace", () => {
  it("refuses a level below restricted without the reason for it", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    expect(() =>
      platformNamespace(stack, "namespace", {
        name: "system",
        level: "baseline",
        podSecurityVersion: "latest",
      }),
    ).toThrow(
      "test: namespace system at Pod Security level baseline needs a reason: say which pods need more than restricted, and what for",
    );
  });

  it.each(["kube-system", "default", "kube-public", "kube-node-lease"])(
    "refuses %s, which the cluster owns",
    (name) => {
      const stack = new TerraformStack(Testing.app(), "test");
      expect(() =>
        platformNamespace(stack, "namespace", {
          name,
          level: "restricted",
          podSecurityVersion: "latest",
        }),
      ).toThrow(
        `test: namespace ${name} belongs to the cluster and must not be created or adopted by a stack`,
      );
    },
  );

  it("adopts each namespace when the cluster lists it, reading the list once per stack", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new KubernetesProvider(stack, "kubernetes", {});
    for (const name of ["tigera-operator", "nginx-ingress"]) {
      platformNamespace(stack, name, { name, level: "restricted", podSecurityVersion: "latest" });
    }
    const json = JSON.parse(Testing.synth(stack)) as {
      data: Record<string, Record<string, unknown>>;
      import: unknown[];
    };
    expect(json.data).toEqual({ kubernetes_all_namespaces: { "existing-namespaces": {} } });
    const listed = "data.kubernetes_all_namespaces.existing-namespaces.namespaces";
    expect(json.import).toEqual(
      ["tigera-operator", "nginx-ingress"].map((name) => ({
        to: `kubernetes_namespace_v1.${name}`,
        id: "${each.value}",
        for_each: `\${contains(${listed}, "${name}") ? toset(["${name}"]) : toset([])}`,
      })),
    );
  });

  it("writes the import blocks as HCL Terraform reads (cdktf synth --hcl)", () => {
    const stack = new TerraformStack(Testing.app(), "test");
    new KubernetesProvider(stack, "kubernetes", {});
    platformNamespace(stack, "namespace", {
      name: "tigera-operator",
      level: "restricted",
      podSecurityVersion: "latest",
    });
    const { hcl } = stack.toHclTerraform() as { hcl: string };
    expect(hcl).toContain(
      [
        "import {",
        "to = kubernetes_namespace_v1.namespace",
        'id = "${each.value}"',
        'for_each = "${contains(data.kubernetes_all_namespaces.existing-namespaces.namespaces, "tigera-operator") ? toset(["tigera-operator"]) : toset([])}"',
        "}",
      ].join("\n"),
    );
  });
});
