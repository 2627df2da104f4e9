import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { TerraformDataStep } from "../shared/wait-for-condition/terraform-data";

export interface IpPoolGuardProps {
  /** The pool's CIDR as configured. */
  readonly cidr: string;
  /** The pool's block size as configured. */
  readonly blockSize: number;
  /** How messages name the CIDR and block size settings, such as `podNetwork.podCidr`. */
  readonly fields: { readonly cidr: string; readonly blockSize: string };
}

/**
 * Refuses, while planning, a change of the IP pool's CIDR or block size on a running cluster.
 * The operator keeps its pool (`default-ipv4-ippool`) by name and updates it in place, and from
 * Calico v3.32 the IPPool CRD rejects any change of `cidr` or `blockSize` (`self == oldSelf`): the
 * operator would stay Degraded and the apply time out. Synth cannot see the running pool, but the
 * state can: this `terraform_data` records the pool as first applied and ignores later changes to
 * its input, so its output keeps the running values, and a postcondition compares them with the
 * configured ones. A new cluster starts with empty state and records its own pool.
 */
export class IpPoolGuard extends Construct {
  readonly resource: TerraformResource;

  constructor(scope: Construct, id: string, props: IpPoolGuardProps) {
    super(scope, id);
    const { cidr, blockSize, fields } = props;
    // No provisioner: the resource only keeps the values in state.
    this.resource = new TerraformDataStep(this, "pool", {
      input: { cidr, blockSize: String(blockSize) },
    });
    this.resource.addOverride("lifecycle", {
      ignore_changes: ["input"],
      postcondition: [
        {
          condition: `\${self.output.cidr == ${JSON.stringify(cidr)} && self.output.blockSize == "${blockSize}"}`,
          error_message:
            `The cluster's Calico IP pool is \${self.output.cidr} with /\${self.output.blockSize} ` +
            `blocks; ${fields.cidr} ${cidr} and ${fields.blockSize} ${blockSize} would change it, ` +
            "and Calico v3.32 refuses to change an IP pool's CIDR or block size. Put the running " +
            "values back, or migrate the pool by hand (docs/upgrades.md, Calico IP pool) and " +
            "then replace this record: terraform apply -replace=<this resource's address>.",
        },
      ],
    });
  }
}
