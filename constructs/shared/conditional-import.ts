import { Fn, IResolvable, TerraformElement, TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";

export interface ConditionalImportProps {
  /** The resource to adopt; it must have neither `count` nor `for_each`. */
  readonly resource: TerraformResource;
  /** The import ID of the object (for a namespace: its name). */
  readonly id: string;
  /**
   * A boolean expression (`Fn.contains(...)`) that is true when the object exists outside the
   * state. Terraform evaluates it at plan time, so it may read a data source.
   */
  readonly exists: IResolvable;
}

/**
 * An `import` block that adopts an object only when it exists: its `for_each` holds the ID when
 * `exists` is true, and nothing otherwise, so the resource is created. Terraform 1.7+ takes a
 * `for_each` on an import block whose target has no `for_each` of its own: `each.value` is the ID.
 * Once the object is in the state under that address, the block is a no-op, so it stays in the
 * configuration for good. (cdktf 0.21's `importFrom` writes an unconditional import, which fails on
 * a cluster where the object does not exist yet.)
 */
export class ConditionalImport extends TerraformElement {
  private readonly props: ConditionalImportProps;

  constructor(scope: Construct, id: string, props: ConditionalImportProps) {
    super(scope, id);
    if (props.resource.count !== undefined || props.resource.forEach !== undefined) {
      throw new Error(
        `${this.node.path}: ${props.resource.node.path} has count or for_each; a conditional ` +
          "import needs a resource with one instance",
      );
    }
    this.props = props;
  }

  /** The import block's arguments, as Terraform JSON writes them. */
  private block(): { to: string; id: string; for_each: string } {
    const { resource, id, exists } = this.props;
    return {
      to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}`,
      id: "${each.value}",
      for_each: Token.asString(Fn.conditional(exists, Fn.toset([id]), Fn.toset([]))),
    };
  }

  override toTerraform(): Record<string, unknown> {
    return { import: [this.block()] };
  }

  override toHclTerraform(): Record<string, unknown> {
    const { to, id, for_each } = this.block();
    // The HCL printer writes a string holding `${` as a quoted template, which Terraform reads
    // as the expression inside when the whole string is one interpolation.
    const expression = (value: string) => ({
      value,
      type: "simple",
      storageClassType: "string",
    });
    return {
      import: [
        {
          to: { value: to, type: "simple", storageClassType: "reference" },
          id: expression(id),
          for_each: expression(for_each),
        },
      ],
    };
  }
}
