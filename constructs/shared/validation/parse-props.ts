/**
 * Runtime validation of construct props: JavaScript callers (and untyped data) get no compiler,
 * so every construct parses its props once, with its schema, before building anything.
 */
import type { IConstruct } from "constructs";
import { ZodType, ZodTypeAny, ZodTypeDef, z } from "zod";
import { Problem, describeProblems, formatPath, problemsOf } from "./issues";

/**
 * The shape of a props schema, checked against the props interface at compile time: one schema
 * per prop, none missing and none extra (`satisfies PropsShape<VpcProps>`), each accepting no
 * type the interface rules out. The interface stays the documented public API.
 */
export type PropsShape<Props> = {
  readonly [K in keyof Required<Props>]: ZodType<unknown, ZodTypeDef, Props[K]>;
};

/**
 * Props a schema rejected: every problem, each on its own line as `<PropsName>.<path>: <what to
 * change>`, under a line naming the construct.
 */
export class PropsValidationError extends Error {
  constructor(
    /** The props interface, such as `VpcProps`. */
    readonly propsName: string,
    readonly problems: readonly Problem[],
    /** The construct path, such as `dev-infra/vpc`. */
    readonly constructPath: string,
  ) {
    super(
      describeProblems(
        `${propsName} of ${constructPath}`,
        problems.map((p) => {
          const path = formatPath(p.path);
          return { where: `${propsName}${path ? `.${path}` : ""}`, message: p.message };
        }),
      ),
    );
    this.name = "PropsValidationError";
  }
}

/**
 * Parses `props` with `schema` and returns them with every default filled in, or throws one
 * PropsValidationError listing every problem as `<propsName>.<path>: <what to change>`. Unknown
 * props are problems too: the schemas are strict.
 */
export function parseProps<S extends ZodTypeAny>(
  schema: S,
  props: unknown,
  propsName: string,
  scope: IConstruct,
): z.output<S> {
  const parsed = schema.safeParse(props);
  if (parsed.success) return parsed.data as z.output<S>;
  const problems = problemsOf(parsed.error, { schema, input: props, noun: "prop" });
  throw new PropsValidationError(propsName, problems, scope.node.path);
}
