import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ClusterAccess } from "../cluster-access";
import { deleteOnDestroyPropsSchema } from "../props";
import { parseProps } from "../validation/parse-props";
import { accessEnvironment, stepScripts } from "./steps";
import { TerraformDataStep } from "./terraform-data";

export interface DeleteOnDestroyProps {
  /** How the machine running the destroy reaches the cluster. */
  readonly access: ClusterAccess;
  /**
   * Objects to delete, in order, as `resource/name` (`installations.operator.tigera.io/default`).
   * Objects already gone, and kinds the cluster does not serve, are skipped.
   */
  readonly objects: readonly string[];
  /**
   * Objects (among `objects`) whose deletion to wait for: their finalizers have run.
   * @default every object
   */
  readonly waitFor?: readonly string[];
  /**
   * How long to wait for them to go, in seconds.
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * What must still exist while the objects are deleted: whatever finalizes them (an operator's
   * release, the nodes it runs on). Terraform destroys this step before them.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A step that deletes Kubernetes objects when it is destroyed, and waits until they are gone: a
 * `terraform_data` whose destroy-time local-exec runs kubectl (see scripts/delete-on-destroy.sh).
 * It depends on what finalizes the objects, and whatever must go first depends on `resource`, so
 * on destroy it runs after everything that needs the objects and before their finalizers go.
 *
 * Nothing runs on create or update. Its input holds the cluster access, because a destroy-time
 * provisioner may only read its own resource: none of it is secret (endpoint, CA certificate,
 * names). Replacing the step would delete the objects from a live cluster, so it has no
 * replacement triggers; keep its construct ID.
 */
export class DeleteOnDestroy extends Construct {
  /** Depend on this to be destroyed before the objects are deleted. */
  readonly resource: ITerraformDependable;

  constructor(scope: Construct, id: string, props: DeleteOnDestroyProps) {
    super(scope, id);
    const p = parseProps(deleteOnDestroyPropsSchema, props, "DeleteOnDestroyProps", this);
    const stored: Record<string, string> = {
      DELETE_OBJECTS: p.objects.join(" "),
      DELETE_WAIT_FOR: p.waitFor.join(" "),
      DELETE_TIMEOUT_SECONDS: String(p.timeoutSeconds),
      ...accessEnvironment(p.access),
    };
    this.resource = new TerraformDataStep(this, "step", {
      input: stored,
      dependsOn: p.dependsOn,
      provisioners: [
        {
          type: "local-exec",
          when: "destroy",
          interpreter: ["bash"],
          command: stepScripts(this).path("delete-on-destroy.sh"),
          environment: Object.fromEntries(
            Object.keys(stored).map((name) => [name, `\${self.input.${name}}`]),
          ),
        },
      ],
    });
  }
}
