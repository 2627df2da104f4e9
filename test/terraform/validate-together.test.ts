/**
 * `validateTogether` validates several stacks in one Terraform run: an error must still fail only
 * the stack it is in, and every stack must be checked.
 */
import * as fs from "fs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { describeWithTerraform } from "../support/terraform-available";
import { errorsOf, synthStackDir, validateTogether } from "./support";
import { scratchDir } from "../support/scratch";

describeWithTerraform("validateTogether", () => {
  const outdir = scratchDir("platform-validate-together-");
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it("reports each stack's errors against that stack only", async () => {
    const dirs = ["first", "second", "third"].map(
      (id) =>
        synthStackDir(outdir, id, (stack) => {
          const bucket = new S3Bucket(stack, "bucket", { bucket: `platform-${id}` });
          if (id !== "first") bucket.addOverride("no_such_argument", true);
        }).dir,
    );
    const [first, second, third] = await validateTogether(dirs);
    expect(first.valid).toBe(true);
    expect(errorsOf(first)).toEqual([]);
    for (const invalid of [second, third]) {
      expect(invalid.valid).toBe(false);
      expect(errorsOf(invalid)).toEqual([expect.stringContaining("no_such_argument")]);
    }
  });
});
