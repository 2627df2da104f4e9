import {
  ITerraformDependable,
  TerraformResource,
  anyToTerraform,
  hashMapper,
  type FileProvisioner,
  type LocalExecProvisioner,
  type RemoteExecProvisioner,
} from "cdktf";
import { Construct } from "constructs";

export interface TerraformDataStepProps {
  /** Stored in state and shown in plans. */
  readonly input?: Readonly<Record<string, string>>;
  /** Values whose change replaces the resource, running its provisioners again. */
  readonly triggersReplace?: Readonly<Record<string, string>>;
  readonly dependsOn?: ITerraformDependable[];
  /** What the step runs; none for a resource that only keeps values in state. */
  readonly provisioners?: (FileProvisioner | LocalExecProvisioner | RemoteExecProvisioner)[];
}

/**
 * Terraform's built-in `terraform_data` resource, synthesized as cdktf's `DataResource` does but
 * without its synth-time check of the Terraform CLI version: `DataResource` runs `terraform
 * version` in a child process while the app synthesizes, so synth failed on a machine without
 * Terraform (nothing else needs it there) and spent about 35 ms per resource. The S3 backend
 * already requires Terraform 1.10, above the 1.4 that `terraform_data` needs.
 */
export class TerraformDataStep extends TerraformResource {
  private readonly input?: Readonly<Record<string, string>>;
  private readonly triggersReplace?: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TerraformDataStepProps) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      dependsOn: props.dependsOn,
      provisioners: props.provisioners,
    });
    this.input = props.input;
    this.triggersReplace = props.triggersReplace;
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return {
      input: hashMapper(anyToTerraform)(this.input),
      triggers_replace: hashMapper(anyToTerraform)(this.triggersReplace),
    };
  }
}
