/**
 * JSON Schema definitions of the built-in Kubernetes kinds, generated from the type declarations
 * of the npm package `kubernetes-models` (a devDependency; 5.x is generated from the Kubernetes
 * v1.36.0 OpenAPI definitions, enums included). Its declarations keep every property, whether it
 * is required, its type and its enum values; they drop number formats (int32 vs float).
 *
 * Objects are closed (`additionalProperties: false`): the API server drops a field it does not
 * know with only a warning to the helm provider's client-side apply (server-side apply, Helm 4's
 * default, refuses it), so an unknown field is a value that silently does nothing.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

export type JsonSchema = { [keyword: string]: unknown };

export interface KubernetesDefinitions {
  /** The package version the definitions come from. */
  readonly source: string;
  /** Definition name (`IoK8sApiCoreV1Service`, the OpenAPI name camel-cased) to its schema. */
  readonly definitions: Record<string, JsonSchema>;
  /** `apps/v1/Deployment` to its definition name. */
  readonly kinds: Record<string, string>;
}

/** `io.k8s.api.core.v1.Service` as kubernetes-models names it: `IoK8sApiCoreV1Service`. */
export function definitionName(openApiName: string): string {
  return openApiName
    .split(/[.-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

const PACKAGES = ["kubernetes-models", "@kubernetes-models/apimachinery"];

let loaded: KubernetesDefinitions | undefined;

/**
 * The definitions, generated once per package version and kept in the system's temp folder, and
 * read once per module registry: the validators compiled from them (validate.ts) are kept per
 * definitions object, so the chart specs of one group share them.
 */
export function kubernetesDefinitions(): KubernetesDefinitions {
  loaded ??= readOrGenerate();
  return loaded;
}

function readOrGenerate(): KubernetesDefinitions {
  const roots = PACKAGES.map((name) => path.dirname(require.resolve(`${name}/package.json`)));
  const versions = roots.map(
    (root) =>
      JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
        name: string;
        version: string;
      },
  );
  const source = versions.map((v) => `${v.name}@${v.version}`).join(", ");
  const key = crypto
    .createHash("sha256")
    .update(source)
    .update(fs.readFileSync(__filename))
    .digest("hex")
    .slice(0, 16);
  const cached = path.join(os.tmpdir(), `platform-kubernetes-definitions-${key}.json`);
  if (fs.existsSync(cached))
    return JSON.parse(fs.readFileSync(cached, "utf8")) as KubernetesDefinitions;
  const generated = { source, ...generate(roots) };
  const partial = `${cached}.${process.pid}`;
  fs.writeFileSync(partial, JSON.stringify(generated));
  fs.renameSync(partial, cached);
  return generated;
}

function declarationFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "_schemas" ? [] : declarationFiles(full);
    return entry.name.endsWith(".d.ts") && entry.name !== "index.d.ts" ? [full] : [];
  });
}

/**
 * Reads the declarations syntactically (no type checker: parsing the ~950 files takes about a
 * second, type-checking them ten times that). The generated files follow one pattern: each
 * declares `IFoo` (an interface or a type alias) and re-exports it as `IIoK8s...Foo`; properties
 * refer to other definitions by those exported names.
 */
function generate(roots: readonly string[]): Omit<KubernetesDefinitions, "source"> {
  const definitions: Record<string, JsonSchema> = {};
  const kinds: Record<string, string> = {};
  for (const file of roots.flatMap(declarationFiles)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
    const exported = new Map<string, string>();
    for (const statement of source.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.exportClause) continue;
      if (!ts.isNamedExports(statement.exportClause)) continue;
      for (const element of statement.exportClause.elements) {
        if (element.propertyName && /^IIoK8s/.test(element.name.text)) {
          exported.set(element.propertyName.text, element.name.text.slice(1));
        }
      }
    }
    const convert = (node: ts.TypeNode): JsonSchema => typeSchema(node, exported, file);
    for (const statement of source.statements) {
      const name =
        (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) &&
        exported.get(statement.name.text);
      if (!name) continue;
      const schema = ts.isInterfaceDeclaration(statement)
        ? objectSchema(statement.members, convert, file)
        : convert((statement as ts.TypeAliasDeclaration).type);
      definitions[name] = schema;
      const props = schema.properties as Record<string, JsonSchema> | undefined;
      const apiVersion = (props?.apiVersion?.enum as string[] | undefined) ?? [];
      const kind = (props?.kind?.enum as string[] | undefined) ?? [];
      if (apiVersion.length === 1 && kind.length === 1) kinds[`${apiVersion[0]}/${kind[0]}`] = name;
    }
  }
  return { definitions, kinds };
}

function typeSchema(
  node: ts.TypeNode,
  exported: ReadonlyMap<string, string>,
  file: string,
): JsonSchema {
  const convert = (inner: ts.TypeNode): JsonSchema => typeSchema(inner, exported, file);
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "number" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return {};
  }
  if (ts.isParenthesizedTypeNode(node)) return convert(node.type);
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) {
    return { type: "string", enum: [node.literal.text] };
  }
  if (ts.isArrayTypeNode(node)) return { type: "array", items: convert(node.elementType) };
  if (ts.isUnionTypeNode(node)) {
    const members = node.types.map(convert);
    if (members.every((m) => m.type === "string" && Array.isArray(m.enum))) {
      return { type: "string", enum: members.flatMap((m) => m.enum as string[]) };
    }
    return { anyOf: members };
  }
  if (ts.isTypeLiteralNode(node)) return objectSchema(node.members, convert, file);
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
    const name = node.typeName.text;
    if (name === "Array" && node.typeArguments?.length === 1) {
      return { type: "array", items: convert(node.typeArguments[0]) };
    }
    const target = /^IIoK8s/.test(name) ? name.slice(1) : exported.get(name);
    if (target) return { $ref: `#/definitions/${target}` };
  }
  throw new Error(
    `${file}: no JSON Schema for the type ${node.getText?.() ?? ts.SyntaxKind[node.kind]}`,
  );
}

function objectSchema(
  members: ts.NodeArray<ts.TypeElement>,
  convert: (node: ts.TypeNode) => JsonSchema,
  file: string,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  let additional: JsonSchema | false = false;
  for (const member of members) {
    if (ts.isPropertySignature(member) && member.type) {
      const name =
        ts.isStringLiteral(member.name) || ts.isIdentifier(member.name)
          ? member.name.text
          : undefined;
      if (name === undefined) throw new Error(`${file}: a property with a computed name`);
      properties[name] = convert(member.type);
      if (!member.questionToken) required.push(name);
    } else if (ts.isIndexSignatureDeclaration(member) && member.type) {
      additional = convert(member.type);
    } else {
      throw new Error(`${file}: unexpected ${ts.SyntaxKind[member.kind]} in a declaration`);
    }
  }
  // An empty declaration (RawExtension, JSON, FieldsV1) is any JSON value.
  if (Object.keys(properties).length === 0 && additional === false) return {};
  return {
    type: "object",
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: additional,
  };
}
