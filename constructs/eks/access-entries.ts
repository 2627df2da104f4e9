import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { Construct } from "constructs";
import { parseProps } from "../shared/validation/parse-props";
import { idFromArn } from "./iam";
import { adminAccessEntriesPropsSchema, viewerAccessEntriesPropsSchema } from "./props";

export interface AdminAccessEntriesProps {
  readonly clusterName: string;
  readonly partition: string;
  /** IAM principal ARNs given cluster admin. */
  readonly admins: readonly string[];
}

/**
 * One access entry with the AmazonEKSClusterAdminPolicy per admin principal. Construct IDs come
 * from the principal ARN, so reordering the list changes no Terraform address.
 */
export class AdminAccessEntries extends Construct {
  constructor(scope: Construct, id: string, props: AdminAccessEntriesProps) {
    super(scope, id);
    const p = parseProps(adminAccessEntriesPropsSchema, props, "AdminAccessEntriesProps", this);
    for (const principalArn of p.admins) {
      accessEntry(this, {
        ...p,
        principalArn,
        policy: "AmazonEKSClusterAdminPolicy",
        suffix: "admin",
      });
    }
  }
}

export interface ViewerAccessEntriesProps {
  readonly clusterName: string;
  readonly partition: string;
  /** IAM principal ARNs given read-only access. */
  readonly viewers: readonly string[];
  /**
   * Kubernetes groups the viewers belong to, for RBAC bindings that grant more than the view
   * policy (which reads no Secrets).
   * @default none
   */
  readonly kubernetesGroups?: readonly string[];
}

/**
 * One access entry per viewer principal with the AmazonEKSViewPolicy on the cluster (most
 * resources, no Secrets) and membership in `kubernetesGroups`. Construct IDs come from the
 * principal ARN, as for admins.
 */
export class ViewerAccessEntries extends Construct {
  constructor(scope: Construct, id: string, props: ViewerAccessEntriesProps) {
    super(scope, id);
    const p = parseProps(viewerAccessEntriesPropsSchema, props, "ViewerAccessEntriesProps", this);
    for (const principalArn of p.viewers) {
      accessEntry(this, { ...p, principalArn, policy: "AmazonEKSViewPolicy", suffix: "view" });
    }
  }
}

/** An access entry and its one cluster-wide access policy. */
function accessEntry(
  scope: Construct,
  entry: {
    readonly clusterName: string;
    readonly partition: string;
    readonly principalArn: string;
    readonly policy: string;
    readonly suffix: string;
    readonly kubernetesGroups?: readonly string[];
  },
): void {
  const principalId = idFromArn(entry.principalArn);
  const created = new EksAccessEntry(scope, principalId, {
    clusterName: entry.clusterName,
    principalArn: entry.principalArn,
    type: "STANDARD",
    kubernetesGroups: entry.kubernetesGroups?.length ? [...entry.kubernetesGroups] : undefined,
  });
  new EksAccessPolicyAssociation(scope, `${principalId}-${entry.suffix}`, {
    clusterName: entry.clusterName,
    principalArn: created.principalArn,
    policyArn: `arn:${entry.partition}:eks::aws:cluster-access-policy/${entry.policy}`,
    accessScope: { type: "cluster" },
  });
}
