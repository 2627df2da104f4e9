/**
 * Running the Terraform CLI for checks and offline plans: finds the CLI and a local provider
 * mirror, and writes a CLI configuration that installs providers from that mirror into one
 * shared plugin cache (so `init` links a 700 MB provider instead of copying it per stack).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Where `terraform-provider-*` mirrors are looked for, in order. */
export const MIRROR_CANDIDATES = [
  process.env.TF_PROVIDER_MIRROR,
  "/opt/tf-plugins",
  path.join(os.homedir(), ".terraform.d", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
].filter((p): p is string => !!p);

export interface TerraformEnvironment {
  /** Absolute path of the CLI, or undefined when it is not installed. */
  readonly cli?: string;
  /** Provider mirror directory, or undefined when none was found. */
  readonly mirror?: string;
  /** Providers (`hashicorp/aws`) the mirror holds. */
  readonly mirroredProviders: readonly string[];
  /** Environment variables for every terraform invocation. */
  readonly env: NodeJS.ProcessEnv;
}

function findCli(): string | undefined {
  const result = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
  if (result.status !== 0) return undefined;
  const which = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" });
  return which.stdout.trim() || "terraform";
}

function listMirroredProviders(mirror: string): string[] {
  const host = path.join(mirror, "registry.terraform.io");
  if (!fs.existsSync(host)) return [];
  return fs
    .readdirSync(host)
    .flatMap((ns) => fs.readdirSync(path.join(host, ns)).map((name) => `${ns}/${name}`));
}

let cached: TerraformEnvironment | undefined;

/**
 * Prepares (once per process) a CLI configuration under `cacheRoot` that uses the mirror for the
 * providers it holds and a shared plugin cache.
 */
export function terraformEnvironment(
  cacheRoot = path.join(os.tmpdir(), "platform-toolkit-terraform"),
): TerraformEnvironment {
  if (cached) return cached;
  const cli = findCli();
  const mirror = MIRROR_CANDIDATES.find((dir) => listMirroredProviders(dir).length > 0);
  const mirroredProviders = mirror ? listMirroredProviders(mirror) : [];
  const pluginCache = path.join(cacheRoot, "plugin-cache");
  fs.mkdirSync(pluginCache, { recursive: true });
  const configFile = path.join(cacheRoot, "terraformrc");
  const installation = mirror
    ? [
        "provider_installation {",
        "  filesystem_mirror {",
        `    path    = ${JSON.stringify(mirror)}`,
        `    include = ${JSON.stringify(mirroredProviders.map((p) => `registry.terraform.io/${p}`))}`,
        "  }",
        "  direct {",
        `    exclude = ${JSON.stringify(mirroredProviders.map((p) => `registry.terraform.io/${p}`))}`,
        "  }",
        "}",
      ]
    : [];
  fs.writeFileSync(
    configFile,
    [...installation, `plugin_cache_dir = ${JSON.stringify(pluginCache)}`, ""].join("\n"),
  );
  cached = {
    cli,
    mirror,
    mirroredProviders,
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: configFile,
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      // Use the cached provider in a directory without a lock file. Otherwise every such init
      // (each freshly synthesized stack) installs it again and rewrites the shared cache entry
      // (hashicorp/terraform#32129), and concurrent inits and plans on the machine fail with
      // "file exists" or find the provider missing mid-rewrite.
      TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: "true",
    },
  };
  return cached;
}

export interface TerraformResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `terraform <args>` in `cwd` with the prepared environment (plus `extraEnv`). */
export function runTerraform(
  cwd: string,
  args: readonly string[],
  extraEnv: NodeJS.ProcessEnv = {},
): TerraformResult {
  const tf = terraformEnvironment();
  if (!tf.cli)
    throw new Error(
      "terraform is not installed (https://developer.hashicorp.com/terraform/install)",
    );
  const result = spawnSync(tf.cli, [...args], {
    cwd,
    env: { ...tf.env, ...extraEnv },
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}
