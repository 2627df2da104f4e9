import { App } from "cdktf";
import { buildApp } from "./stacks/app";
import { parseEnvironments } from "./stacks/environment/validate";
import { SHIPPED_ENVIRONMENTS } from "./stacks/environments";
import { isOffline } from "./stacks/offline";

// Shipped environments pass through the same validation as any untrusted input; an invalid one
// stops synth with every problem listed before any stack is emitted.
try {
  const environments = parseEnvironments(SHIPPED_ENVIRONMENTS);
  const app = new App();
  buildApp(app, environments, { offline: isOffline() });
  app.synth();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
