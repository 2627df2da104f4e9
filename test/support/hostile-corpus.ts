/**
 * A folder of hostile environment files and entries, crafted the way a pull request could craft
 * them: expressions and cdktf tokens in values and keys, a FIFO, a link to /dev/zero, links out of
 * the folder and to nothing, a directory named like a file, invalid UTF-8, an alias bomb, deep
 * nesting, oversized files and values, control, bidirectional and line-separator characters,
 * forged workflow commands in values and file names, ranges that open an endpoint to the
 * internet, principals of other accounts. Beside them the shipped files and a few valid variants,
 * which must still load. Each hostile entry says where its problem must be reported.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { edited, shippedEnvironmentTexts } from "./environment-files";

export interface HostileCase {
  /** The entry's name in the folder. */
  readonly entry: string;
  /** The `where` of its problem: a field path, `(file)`, `(file name)` or a position. */
  readonly where: string | RegExp;
  readonly message: RegExp;
}

export interface Corpus {
  readonly cases: readonly HostileCase[];
  /** Environment names that must load. */
  readonly accepted: readonly string[];
}

/** The double cdktf encodes number token `index` as (tokens/private/encoding.ts). */
function numberToken(index: number): number {
  const buffer = new ArrayBuffer(8);
  const words = new Uint32Array(buffer);
  words[0] = index;
  words[1] = 0xfdff << 16;
  return new Float64Array(buffer)[0];
}

/** A valid variant of dev.yaml named `name`, with an account, bucket and cluster of its own. */
function eks(name: string, n: number, edits: [string | RegExp, string][] = []): string {
  const account = String(900000000000 + n);
  return edited(shippedEnvironmentTexts()["dev.yaml"], [
    ["name: dev\n", `name: ${name}\n`],
    ["promotion: 10", `promotion: ${100 + n}`],
    ["111111111111", account],
    ["dev-platform", `${name}-platform`],
    ["alias/dev/", `alias/${name}/`],
    ...edits,
  ]);
}

/** A valid variant of onprem.yaml named `name`. */
function onprem(name: string, n: number, edits: [string | RegExp, string][] = []): string {
  return edited(shippedEnvironmentTexts()["onprem.yaml"], [
    ["name: onprem\n", `name: ${name}\n`],
    ["promotion: 40", `promotion: ${100 + n}`],
    ...edits,
  ]);
}

const OWNER = "owner: platform-team";
const owner = (value: string): [string, string] => [OWNER, `owner: ${value}`];

/** Writes the corpus into `dir` (which must exist and be empty). */
export function writeHostileCorpus(dir: string): Corpus {
  const cases: HostileCase[] = [];
  const write = (
    entry: string,
    content: string | Buffer,
    where: HostileCase["where"],
    message: RegExp,
  ) => {
    fs.writeFileSync(path.join(dir, entry), content);
    cases.push({ entry, where, message });
  };
  for (const [file, text] of Object.entries(shippedEnvironmentTexts())) {
    fs.writeFileSync(path.join(dir, file), text);
  }
  let n = 0;
  const next = () => ++n;
  const hostile = (where: string | RegExp, message: RegExp, edits: [string | RegExp, string][]) => {
    const i = next();
    const name = `h${String(i).padStart(2, "0")}`;
    write(`${name}.yaml`, eks(name, i, edits), where, message);
  };
  const hostileOnprem = (where: string, message: RegExp, edits: [string | RegExp, string][]) => {
    const i = next();
    const name = `h${String(i).padStart(2, "0")}`;
    write(`${name}.yaml`, onprem(name, i, edits), where, message);
  };
  const expression = /Terraform reads as an expression/;
  const token = /cdktf token/;

  // Expressions and tokens, in values and in keys.
  hostile("owner", expression, [owner('"${file(\\"/proc/self/environ\\")}"')]);
  hostile("owner", /template directive/, [owner('"%{ if true }x%{ endif }"')]);
  hostile("owner", expression, [owner('"$${escaped}"')]);
  hostile("aws.accountId", token, [[/accountId: "\d+"/, 'accountId: "${TfToken[TOKEN.1]}"']]);
  hostile("cluster.admins[0]", token, [
    [/- arn:aws:iam::\d+:role\/platform-admin/, '- "#{TfToken[TOKEN.2]}"'],
  ]);
  hostile("karpenter.nodePools[0].limits.cpu", /cdktf number token/, [
    ["cpu: 64", `cpu: ${String(numberToken(3))}`],
  ]);
  hostile("state.kmsKeyId", expression, [[/kmsKeyId: .*/, 'kmsKeyId: "${aws_kms_key.k.arn}"']]);
  hostile("(environment)", /key "a\\u001b\[31mb"/, [[OWNER, `${OWNER}\n"a\\e[31mb": 1`]]);
  hostileOnprem("kubeconfig.path", expression, [
    ["path: ~/.kube/config", 'path: "${path.module}/x"'],
  ]);
  hostileOnprem("kubeconfig.context", token, [
    ["context: onprem-admin", 'context: "${TfToken[TOKEN.4]}"'],
  ]);
  hostileOnprem("metallb.l2.nodeSelectors[0]", /has the key "\$\{x\}", which holds "\$\{"/, [
    ["    pools: [ingress]", '    pools: [ingress]\n    nodeSelectors: [{"${x}": "y"}]'],
  ]);
  hostileOnprem("metallb.l2.nodeSelectors[0]", token, [
    [
      "    pools: [ingress]",
      '    pools: [ingress]\n    nodeSelectors: [{"&{TfToken[TOKEN.5]}": "y"}]',
    ],
  ]);

  // Values that reach AWS tags, Kubernetes and logs.
  hostile("owner", /U\+001B/, [owner('"team\\e[31m"')]);
  hostile("owner", /U\+000D/, [owner('"team\\r\\n::error::forged"')]);
  hostile("owner", /U\+2028/, [owner('"team\\u2028x"')]);
  hostile("owner", /U\+202E/, [owner('"team\\u202Eevil"')]);
  hostile("owner", /U\+FFFD/, [owner('"team\\uFFFD"')]);
  hostile("owner", /U\+D800/, [owner('"team\\uD800"')]);
  hostile("owner", /what AWS accepts in a tag value/, [owner('"aws:internal"')]);
  hostile("owner", /what AWS accepts in a tag value/, [owner('"team; rm -rf /"')]);
  hostile("owner", /in a tag value\); got "x{80}"… \(20000 characters\)$/, [
    owner("x".repeat(20_000)),
  ]);
  hostile("owner", /not plain data/, [owner("!!binary aGVsbG8=")]);
  hostile("(environment)", /unknown field "__proto__"/, [
    [OWNER, `${OWNER}\n__proto__: {polluted: true}`],
  ]);
  hostile("karpenter.nodePools[0].limits.cpu", /finite number/, [["cpu: 64", "cpu: .nan"]]);
  hostile("karpenter.nodePools[0].limits.memoryGi", /finite number/, [
    ["memoryGi: 256", "memoryGi: .inf"],
  ]);
  hostile("karpenter.nodePools[0].limits.cpu", /must be at most 9007199254740991; got 1e\+308/, [
    ["cpu: 64", "cpu: 1e308"],
  ]);

  // Ranges that open a prod endpoint to the internet.
  const prodWith = (cidrs: string): [string | RegExp, string][] => [
    ["tier: dev", "tier: prod"],
    ["publicAccessCidrs: [203.0.113.0/24]", `publicAccessCidrs: ${cidrs}`],
  ];
  const open = /must not be open to the internet/;
  hostile("cluster.endpoint.publicAccessCidrs", open, prodWith("[0.0.0.0/1, 128.0.0.0/1]"));
  hostile(
    "cluster.endpoint.publicAccessCidrs",
    open,
    prodWith("[0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2, 192.0.0.0/2]"),
  );
  hostile("cluster.endpoint.publicAccessCidrs", open, prodWith("[]"));

  // Principals of another account.
  const otherAccount = /is in account 999999999999, not the environment's/;
  const admin = /- arn:aws:iam::\d+:role\/platform-admin/;
  hostile("cluster.admins[0]", otherAccount, [
    [admin, "- arn:aws:iam::999999999999:role/platform-admin"],
  ]);
  hostile("kms.administrators[0]", otherAccount, [
    [
      /(kms:\n {2}administrators:\n {4})- arn:aws:iam::\d+:role\/platform-admin/,
      "$1- arn:aws:iam::999999999999:role/x",
    ],
  ]);
  hostile("aws.assumeRoleArn", otherAccount, [
    ["  nat: single", "  nat: single\n  assumeRoleArn: arn:aws:iam::999999999999:role/deploy"],
  ]);
  hostile("state.kmsKeyId", otherAccount, [
    [/kmsKeyId: .*/, "kmsKeyId: arn:aws:kms:ap-northeast-2:999999999999:key/abcd-1234"],
  ]);

  // What the loader must not read as it is.
  execFileSync("mkfifo", [path.join(dir, "fifo.yaml")]);
  cases.push({ entry: "fifo.yaml", where: "(file)", message: /is a FIFO, not a regular file/ });
  fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
  cases.push({
    entry: "zero.yaml",
    where: "(file)",
    message: /link to \/dev\/zero, outside the folder/,
  });
  fs.symlinkSync("/etc/hostname", path.join(dir, "out.yaml"));
  cases.push({ entry: "out.yaml", where: "(file)", message: /outside the folder/ });
  fs.symlinkSync("nowhere.yaml", path.join(dir, "dangling.yaml"));
  cases.push({
    entry: "dangling.yaml",
    where: "(file)",
    message: /link to nowhere\.yaml, which does not exist/,
  });
  fs.mkdirSync(path.join(dir, "dir.yaml"));
  cases.push({ entry: "dir.yaml", where: "(file)", message: /is a directory, not a regular file/ });
  write(
    "utf8.yaml",
    Buffer.concat([
      Buffer.from("name: utf8\nowner: team"),
      Buffer.from([0xff, 0xfe]),
      Buffer.from("\n"),
    ]),
    "(file)",
    /not valid UTF-8 \(byte 23, line 2\)/,
  );
  write(
    "utf16.yaml",
    Buffer.from(`\ufeff${eks("utf16", next())}`, "utf16le"),
    "(file)",
    /not valid UTF-8/,
  );
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 0; i < 8; i++) {
    const [self, prev] = [String.fromCharCode(98 + i), String.fromCharCode(97 + i)];
    bomb.push(`${self}: &${self} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  write("bomb.yaml", bomb.join("\n"), "(file)", /aliases \(\*name\) expand to more than/);
  write(
    "brackets.yaml",
    `a: ${"[".repeat(15_000)}${"]".repeat(15_000)}\n`,
    "line 1, column 36",
    /nests deeper than 32 levels/,
  );
  write(
    "dashes.yaml",
    `${"- ".repeat(10_000)}x\n`,
    "line 1, column 1",
    /nests deeper than 32 levels/,
  );
  write(
    "big.yaml",
    `# ${"x".repeat(40_000)}\n`,
    "(file)",
    /more than 32768 bytes; an environment file may have at most 32768/,
  );
  write("empty.yaml", "", "(file)", /must be a YAML mapping/);
  write(
    "multi.yaml",
    "name: multi\n---\nname: again\n",
    /line 2/,
    /not valid YAML: a second document starts here \(a `---` line\)/,
  );
  for (const entry of ["qa.YAML", "qa.json", "staging.yaml.bak", "qa.yml", "#qa.yaml#"]) {
    write(entry, shippedEnvironmentTexts()["staging.yaml"], "(file name)", /is not read/);
  }

  // File names that would forge lines or workflow commands if echoed as they are.
  const named = (entry: string) => {
    const i = next();
    const name = `h${String(i).padStart(2, "0")}`;
    write(entry, eks(name, i), "name", /does not match the file name/);
  };
  named("::error::forged.yaml");
  named("line\n::error::forged.yaml");
  named("bidi\u202Eyaml.yaml");

  // Valid variants: an account trusted on purpose, a BOM, a link inside the folder, on-prem.
  const accepted = ["ok1", "ok2", "ok3", "ok4"];
  fs.writeFileSync(
    path.join(dir, "ok1.yaml"),
    eks("ok1", next(), [
      [admin, "- arn:aws:iam::999999999999:role/platform-admin"],
      ["  nat: single", "  nat: single\n  trustedAccounts: ['999999999999']"],
    ]),
  );
  fs.writeFileSync(path.join(dir, "ok2.yaml"), `\ufeff${eks("ok2", next())}`);
  fs.mkdirSync(path.join(dir, "inner"));
  fs.writeFileSync(path.join(dir, "inner", "ok3.yaml"), eks("ok3", next()));
  fs.symlinkSync(path.join("inner", "ok3.yaml"), path.join(dir, "ok3.yaml"));
  fs.writeFileSync(path.join(dir, "ok4.yaml"), onprem("ok4", next()));
  return { cases, accepted };
}
