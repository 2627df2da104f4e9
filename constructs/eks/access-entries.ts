import { EksAccessEntry } from "@cdktf/provider-aws/lib/eks-access-entry";
import { EksAccessPolicyAssociation } from "@cdktf/provider-aws/lib/eks-access-policy-association";
import { Construct } from "constructs";
import { parseProps } from "../shared/validation/parse-props";
import { idFromArn } from "./iam";
import { adminAccessEntriesPropsSchema } from "./props";

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
    const policyArn = `arn:${p.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
    for (const principalArn of p.admins) {
      const principalId = idFromArn(principalArn);
      const entry = new EksAccessEntry(this, principalId, {
        clusterName: p.clusterName,
        principalArn,
        type: "STANDARD",
      });
      new EksAccessPolicyAssociation(this, `${principalId}-admin`, {
        clusterName: p.clusterName,
        principalArn: entry.principalArn,
        policyArn,
        accessScope: { type: "cluster" },
      });
    }
  }
}
