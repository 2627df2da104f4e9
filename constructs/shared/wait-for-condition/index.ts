import * as path from "path";
import { AssetType, ITerraformDependable, TerraformAsset, Token } from "cdktf";
import { Construct } from "constructs";
import type { ClusterAccess } from "../cluster-access";
import { TerraformDataStep } from "./terraform-data";

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

const DEFAULT_TIMEOUT_SECONDS = 900;

/**
 * A step of the apply that waits until a Kubernetes object reports a condition: a
 * `terraform_data` whose local-exec runs kubectl (see wait-for-condition.sh for what the machine
 * running the apply needs). Resources that need the condition depend on `resource`. Plans never
 * run it; nothing happens on destroy.
 */
export class WaitForCondition extends Construct {
  /** Depend on this to start after the condition holds. */
  readonly resource: ITerraformDependable;

  constructor(scope: Construct, id: string, props: WaitForConditionProps) {
    super(scope, id);
    const timeoutSeconds = props.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    validate(props, timeoutSeconds);
    const script = new TerraformAsset(this, "script", {
      path: path.join(__dirname, "wait-for-condition.sh"),
      type: AssetType.FILE,
    });
    this.resource = new TerraformDataStep(this, "wait", {
      // Shown in plans, and what tests read to know what is waited for.
      input: { resource: props.resource, condition: props.condition },
      triggersReplace: props.triggers ? { ...props.triggers } : undefined,
      dependsOn: props.dependsOn,
      provisioners: [
        {
          type: "local-exec",
          interpreter: ["bash"],
          command: script.path,
          environment: {
            WAIT_RESOURCE: props.resource,
            WAIT_NAMESPACE: props.namespace ?? "",
            WAIT_CONDITION: props.condition,
            WAIT_TIMEOUT_SECONDS: String(timeoutSeconds),
            ...accessEnvironment(props.access),
          },
        },
      ],
    });
  }
}

function accessEnvironment(access: ClusterAccess): Record<string, string> {
  if (access.kind === "kubeconfig") {
    return {
      ACCESS_KIND: "kubeconfig",
      KUBECONFIG_PATH: access.path,
      KUBECONFIG_CONTEXT: access.context,
    };
  }
  return {
    ACCESS_KIND: "eks",
    CLUSTER_NAME: access.clusterName,
    CLUSTER_REGION: access.region,
    CLUSTER_ENDPOINT: access.endpoint,
    CLUSTER_CA_DATA: access.certificateAuthorityData,
    ...(access.roleArn ? { CLUSTER_ROLE_ARN: access.roleArn } : {}),
  };
}

function validate(props: WaitForConditionProps, timeoutSeconds: number): void {
  const where = "WaitForConditionProps";
  if (
    !Token.isUnresolved(props.resource) &&
    !/^[a-z0-9.]+\/[a-z0-9][a-z0-9.-]*$/.test(props.resource)
  ) {
    throw new Error(
      `${where}.resource must be kind/name such as tigerastatus/calico; got "${props.resource}"`,
    );
  }
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(props.condition)) {
    throw new Error(
      `${where}.condition must be a condition type such as Available; got "${props.condition}"`,
    );
  }
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 30 || timeoutSeconds > 7200) {
    throw new Error(
      `${where}.timeoutSeconds must be a whole number of seconds from 30 to 7200; got ${timeoutSeconds}`,
    );
  }
}
