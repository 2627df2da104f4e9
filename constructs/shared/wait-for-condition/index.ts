import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ClusterAccess } from "../cluster-access";
import { waitForConditionPropsSchema } from "../props";
import { parseProps } from "../validation/parse-props";
import { accessEnvironment, stepScripts } from "./steps";
import { TerraformDataStep } from "./terraform-data";

export { DeleteOnDestroy, type DeleteOnDestroyProps } from "./delete-on-destroy";

/** A field of an object that must hold a value (`installation/default`, `{.status.calicoVersion}`). */
export interface FieldValue {
  /** The object, as `kind/name`. */
  readonly resource: string;
  /** A kubectl JSONPath template such as `{.status.calicoVersion}`. */
  readonly jsonPath: string;
  readonly value: string;
}

export interface WaitForConditionProps {
  /** How the machine running the apply reaches the cluster. */
  readonly access: ClusterAccess;
  /** The object to wait for, as `kind/name` (`tigerastatus/calico`). */
  readonly resource: string;
  /** Namespace of a namespaced object. @default none: a cluster-scoped object */
  readonly namespace?: string;
  /** Condition type that must become True (`Available`). */
  readonly condition: string;
  /**
   * The object (`kind/name`) whose `metadata.generation` the condition must have observed: the
   * wait holds until the condition's `observedGeneration` reaches it, so a condition left True
   * from before a change does not count. TigeraStatus conditions carry the generation of the
   * operator's Installation, for example.
   * @default the condition's generation is not checked
   */
  readonly observedGenerationOf?: string;
  /**
   * A field that must hold a value as well, checked once the condition holds: what a version
   * change sets (Calico writes the running version into `installation/default`'s
   * `status.calicoVersion` once it is available everywhere).
   * @default no field is checked
   */
  readonly fieldEquals?: FieldValue;
  /**
   * How long to wait for the object to appear and the condition to hold, in seconds.
   * @default 900
   */
  readonly timeoutSeconds?: number;
  /**
   * Values that make the wait run again when they change (a chart version, rendered values), so
   * an upgrade is also waited for before the steps after it. A wait runs only when it is created.
   * @default none: the wait runs once
   */
  readonly triggers?: Readonly<Record<string, string>>;
  /** What must be applied before waiting makes sense (the release, the nodes). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A step of the apply that waits until a Kubernetes object reports a condition: a
 * `terraform_data` whose local-exec runs kubectl (see scripts/wait-for-condition.sh and
 * cluster-access.sh for what the machine running the apply needs). Resources that need the
 * condition depend on `resource`. Plans never run it; nothing happens on destroy.
 */
export class WaitForCondition extends Construct {
  /** Depend on this to start after the condition holds. */
  readonly resource: ITerraformDependable;

  constructor(scope: Construct, id: string, props: WaitForConditionProps) {
    super(scope, id);
    const p = parseProps(waitForConditionPropsSchema, props, "WaitForConditionProps", this);
    const field = p.fieldEquals;
    this.resource = new TerraformDataStep(this, "wait", {
      // Shown in plans, and what tests read to know what is waited for.
      input: {
        resource: p.resource,
        condition: p.condition,
        ...(p.observedGenerationOf ? { generation_of: p.observedGenerationOf } : {}),
        ...(field ? { field: `${field.resource} ${field.jsonPath} = ${field.value}` } : {}),
      },
      triggersReplace: p.triggers ? { ...p.triggers } : undefined,
      dependsOn: p.dependsOn,
      provisioners: [
        {
          type: "local-exec",
          interpreter: ["bash"],
          command: stepScripts(this).path("wait-for-condition.sh"),
          environment: {
            WAIT_RESOURCE: p.resource,
            WAIT_NAMESPACE: p.namespace ?? "",
            WAIT_CONDITION: p.condition,
            ...(p.observedGenerationOf ? { WAIT_GENERATION_OF: p.observedGenerationOf } : {}),
            ...(field
              ? {
                  WAIT_FIELD_RESOURCE: field.resource,
                  WAIT_FIELD_PATH: field.jsonPath,
                  WAIT_FIELD_VALUE: field.value,
                }
              : {}),
            WAIT_TIMEOUT_SECONDS: String(p.timeoutSeconds),
            ...accessEnvironment(p.access),
          },
        },
      ],
    });
  }
}
