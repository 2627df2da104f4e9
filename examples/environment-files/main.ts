/**
 * Environments as files, the layout of the toolkit's own repository: one `<name>.yaml` per
 * environment in ./environments, each validated with every default filled in and the set checked
 * together (unique names, promotions, state buckets), then every stack of each environment in
 * promotion order. An invalid file stops synth with every problem of every file and the field to
 * change; nothing is emitted. The first line of each file points editors at the JSON Schema the
 * package ships, so they complete and check the fields as you type (the path is right for this
 * folder in a project; shorten it when you move the folder).
 *
 * Replace the placeholders before deploying: the account, the admin ARN, the state bucket, and the
 * pipeline's runner labels and roles (`pipeline`: where the workflows plan and deploy, and as
 * whom; an endpoint that admits only some ranges needs self-hosted runners inside them).
 */
import * as path from "path";
import { App } from "cdktf";
import { buildApp, isOffline, loadEnvironmentFiles } from "@platform/cdktf-toolkit/stacks";

try {
  const files = loadEnvironmentFiles(path.join(__dirname, "environments"));
  const environments = files.map((file) => file.environment);
  const app = new App();
  buildApp(app, environments, { offline: isOffline() });
  app.synth();
} catch (error) {
  // The problems, not a stack trace: they name each file and field.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
