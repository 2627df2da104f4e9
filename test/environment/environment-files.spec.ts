import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { environmentJsonSchemaText } from "../../scripts/environment-schema";
import { ENVIRONMENT_SCHEMA_FILE } from "../../stacks/environment/file";
import { loadEnvironmentFiles } from "../../stacks/environment/load";
import {
  environmentsDir,
  findEnvironment,
  shippedEnvironmentFiles,
} from "../../stacks/environments";
import { edited, shippedEnvironmentTexts, loadError } from "../support/environment-files";

const texts = shippedEnvironmentTexts();
const staging = texts["staging.yaml"];

describe("the shipped environment files", () => {
  const files = shippedEnvironmentFiles();

  it("load in promotion order, each promotion its own", () => {
    const promotions = files.map((f) => f.promotion);
    expect(promotions).toEqual([...new Set(promotions)].sort((a, b) => a - b));
    expect(files.map((f) => path.basename(f.file)).sort()).toEqual(Object.keys(texts).sort());
  });

  it("are each named after the environment they hold", () => {
    for (const file of files)
      expect(path.basename(file.file)).toBe(`${file.environment.name}.yaml`);
  });

  it("name the JSON Schema in their first line, for editors", () => {
    for (const text of Object.values(texts)) {
      const [, reference] = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text) ?? [];
      expect(path.resolve(environmentsDir(), String(reference))).toBe(ENVIRONMENT_SCHEMA_FILE);
    }
  });
});

describe("the example's environment files (examples/environment-files)", () => {
  // The consumer test runs the example from the packed package, minutes later; this catches a
  // check the example does not pass at once.
  it("load and pass every check, the pipeline's too", () => {
    const dir = path.join(__dirname, "..", "..", "examples", "environment-files", "environments");
    expect(loadEnvironmentFiles(dir).map((f) => f.environment.name)).toEqual(["team-dev"]);
  });
});

describe("the JSON Schema editors check the files with", () => {
  const schema = JSON.parse(fs.readFileSync(ENVIRONMENT_SCHEMA_FILE, "utf8"));
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it("is what npm run schema generates from the zod schema today", () => {
    expect(fs.readFileSync(ENVIRONMENT_SCHEMA_FILE, "utf8")).toBe(environmentJsonSchemaText());
  });

  it.each(Object.keys(texts))("accepts %s", (file) => {
    expect(validate(parse(texts[file]))).toBe(true);
  });

  it("flags a misspelt field, an unquoted version and a missing promotion", () => {
    const flagged = (text: string) => (validate(parse(text)) ? [] : (validate.errors ?? []));
    expect(flagged(edited(staging, [["owner:", "ownr:"]]))).toContainEqual(
      expect.objectContaining({ params: { additionalProperty: "ownr" } }),
    );
    expect(
      flagged(edited(staging, [['kubernetesVersion: "1.35"', "kubernetesVersion: 1.35"]])),
    ).toContainEqual(expect.objectContaining({ instancePath: "/kubernetesVersion" }));
    expect(flagged(edited(staging, [["promotion: 20\n", ""]]))).toContainEqual(
      expect.objectContaining({ params: { missingProperty: "promotion" } }),
    );
  });
});

describe("an invalid file", () => {
  it("is named with the field to change, as the environment's own path", () => {
    const qa = edited(staging, [
      ["name: staging\n", "name: qa\n"],
      ["promotion: 20", "promotion: 25"],
      [
        "region: ap-northeast-2\n  zones: [ap-northeast-2a, ap-northeast-2b, ap-northeast-2c]",
        "region: us-west-2\n  zones: [us-west-2a, us-west-2b]",
      ],
      ["222222222222", "444444444444"],
      ["alias/staging/", "alias/qa/"],
    ]);
    expect(loadError({ "qa.yaml": qa })).toBe(
      'qa.yaml: environment "qa" is invalid (1 problem):\n' +
        "  - state.region: ap-northeast-2 is not the environment's region us-west-2: qa-bootstrap " +
        "creates the state bucket with the environment's AWS provider, in us-west-2; set state.region to us-west-2",
    );
  });

  it("that is not valid YAML is named with the line, column and field", () => {
    const text = edited(staging, [
      [
        "  region: ap-northeast-2\n  zones:",
        "  region: ap-northeast-2\n  region: us-west-2\n  zones:",
      ],
    ]);
    const line = text.split("\n").indexOf("  region: us-west-2") + 1;
    expect(loadError({ "staging.yaml": text })).toBe(
      'staging.yaml: environment "staging" is invalid (1 problem):\n' +
        `  - aws.region (line ${line}, column 3): not valid YAML: Map keys must be unique`,
    );
  });

  it("names a key repeated after a block map as itself, not as the map before it", () => {
    const text = `${staging.trimEnd()}\nname: staging\n`;
    const line = text.trimEnd().split("\n").length;
    expect(loadError({ "staging.yaml": text })).toBe(
      'staging.yaml: environment "staging" is invalid (1 problem):\n' +
        `  - name (line ${line}, column 1): not valid YAML: Map keys must be unique`,
    );
  });

  it("says to quote what YAML reads as a number", () => {
    expect(loadError({ "staging.yaml": edited(staging, [['"1.35"', "1.35"]]) })).toMatch(
      /- kubernetesVersion: must be one of .*, not a number; in YAML put the value in quotes: "1\.35"/,
    );
  });

  it("is reported with every other invalid file, each with all its problems", () => {
    const message = loadError({
      "dev.yaml": edited(texts["dev.yaml"], [["nat: single", "nat: sometimes"]]),
      "prod.yaml": edited(texts["prod.yaml"], [
        ["promotion: 30\n", ""],
        ["tier: prod", "tier: live"],
      ]),
    });
    expect(message).toMatch(
      /^dev\.yaml: environment "dev" is invalid \(1 problem\):\n {2}- aws\.nat: /,
    );
    expect(message).toMatch(
      /\nprod\.yaml: environment "prod" is invalid \(2 problems\):\n {2}- promotion: is required: a whole number .*\n {2}- tier: /,
    );
  });

  it("whose name is not its file's is told to rename one", () => {
    expect(
      loadError({ "qa.yaml": edited(staging, [["promotion: 20", "promotion: 25"]]) }),
    ).toContain(
      '  - name: "staging" does not match the file name qa.yaml; an environment\'s file is <name>.yaml: rename one of them',
    );
  });

  it("ending in .yml is not skipped silently", () => {
    expect(loadError({ "qa.yml": staging })).toBe(
      "qa.yml is invalid (1 problem):\n" +
        "  - (file name): is not read; environment files end in .yaml: rename it to qa.yaml",
    );
  });
});

describe("a number where a string belongs", () => {
  it.each([
    [
      "kubernetesVersion",
      ['"1.35"', "1.30"],
      /kubernetesVersion: .*in YAML put the value in quotes: "1\.30"$/m,
    ],
    [
      "an account ID",
      ['"222222222222"', "012345678901"],
      /aws\.accountId: .*in YAML put the value in quotes: "012345678901"$/m,
    ],
    [
      "a disruption budget",
      ["- nodes: 10%", "- nodes: 0"],
      /karpenter\.nodePools\[0\]\.budgets\[0\]\.nodes: .*in YAML put the value in quotes: "0"$/m,
    ],
  ])("is told to quote its own value, for %s", (_field, edit, hint) => {
    expect(loadError({ "staging.yaml": edited(staging, [edit as [string, string]]) })).toMatch(
      hint,
    );
  });
});

describe("a YAML syntax error", () => {
  it("of a list missing its ] is reported once, at the [", () => {
    const text = edited(staging, [["ap-northeast-2c]", "ap-northeast-2c"]]);
    const line = text.split("\n").findIndex((l) => l.startsWith("  zones:")) + 1;
    expect(loadError({ "staging.yaml": text })).toBe(
      'staging.yaml: environment "staging" is invalid (1 problem):\n' +
        `  - aws.zones (line ${line}, column 10): not valid YAML: this [ list is not closed; end it with ]`,
    );
  });

  it("of a tab in the indentation says so, not what follows from it", () => {
    const text = edited(staging, [["cluster:\n  name:", "cluster:\n\t  name:"]]);
    const line = text.split("\n").findIndex((l) => l.startsWith("\t")) + 1;
    expect(loadError({ "staging.yaml": text })).toBe(
      'staging.yaml: environment "staging" is invalid (1 problem):\n' +
        `  - line ${line}, column 1: not valid YAML: a tab indents this line; indent with spaces only`,
    );
  });

  it("of a second document says to remove it", () => {
    const text = `${staging}---\nname: qa\n`;
    expect(loadError({ "staging.yaml": text })).toContain(
      "not valid YAML: a second document starts here (a `---` line); an environment file holds one: remove it",
    );
  });
});

describe("a copy of staging.yaml as qa.yaml in the same account", () => {
  // What docs/environments.md says to change, less the account and what derives from it.
  const qa = edited(staging, [
    ["name: staging\n", "name: qa\n"],
    ["promotion: 20", "promotion: 25"],
  ]);

  it("is blamed for every clash it brings, in one run, with values that are free", () => {
    expect(loadError({ "qa.yaml": qa })).toBe(
      'qa.yaml: environment "qa" is invalid (4 problems):\n' +
        "  - state.kmsKeyId: alias/staging/tfstate is the state key of staging-bootstrap, but this environment's state bucket is qa-bootstrap's, whose key is alias/qa/tfstate; use that\n" +
        '  - state.bucket: "platform-tfstate-222222222222" is also the state bucket of staging, and each EKS environment\'s <name>-bootstrap stack creates its own; name another, such as platform-tfstate-222222222222-qa\n' +
        "  - aws.createSpotServiceLinkedRole: staging's bootstrap stack already creates AWSServiceRoleForEC2Spot in account 222222222222, and an account has one; set createSpotServiceLinkedRole: false here\n" +
        '  - cluster.name: "staging-platform" is also the cluster name of staging in account 222222222222, and the IAM role names derived from it must be unique in an account; use another, such as qa-platform',
    );
  });
});

describe("promotions", () => {
  it("shared by two files are reported on both, with a free number to take", () => {
    const qa = edited(staging, [
      ["name: staging\n", "name: qa\n"],
      ["222222222222", "444444444444"],
      ["alias/staging/", "alias/qa/"],
      ["staging-platform", "qa-platform"],
    ]);
    const message = loadError({ "qa.yaml": qa });
    const advice =
      "each environment needs its own place in the order: 25, for example, deploys between 20 and 30";
    expect(message).toContain(
      `qa.yaml: environment "qa" is invalid (1 problem):\n  - promotion: 20 is also the promotion of staging.yaml; ${advice}`,
    );
    expect(message).toContain(
      `staging.yaml: environment "staging" is invalid (1 problem):\n  - promotion: 20 is also the promotion of qa.yaml; ${advice}`,
    );
  });

  it("must be whole numbers above 0", () => {
    expect(
      loadError({ "staging.yaml": edited(staging, [["promotion: 20", "promotion: second"]]) }),
    ).toContain(
      '  - promotion: must be a whole number above 0, such as 10 (lowest deploys first); got "second"',
    );
  });
});

describe("the folder", () => {
  it("without any environment file is an error, not an app with no stacks", () => {
    const empty = Object.fromEntries(Object.keys(texts).map((f) => [f, null]));
    expect(loadError(empty)).toMatch(
      /^no environment files \(\*\.yaml\) in .*: add one as docs\/environments\.md, "Add an environment", describes$/,
    );
  });

  it("is where findEnvironment looks, naming the known environments when one is not there", () => {
    const names = shippedEnvironmentFiles().map((f) => f.environment.name);
    expect(names.map((name) => findEnvironment(name).name)).toEqual(names);
    expect(() => findEnvironment("nosuch")).toThrow(
      `unknown environment "nosuch"; known: ${names.join(", ")}`,
    );
  });
});
