/**
 * The OpenAPI document with each year's application contract in it. docs/openapi.json describes
 * the routes; its `Application` schema is generic (the inputs depend on the year's rule file).
 * Here the exact JSON Schema of every loaded year (the same `applicationJsonSchema` that
 * `GET /api/rules/{year}/schema` serves) becomes `components.schemas.Application<year>`, and
 * `Application` the choice among them — so a client generated from the document (openapi-typescript
 * or any OpenAPI 3.1 generator) gets the real field names and types.
 *
 * The server serves this live (the years it has loaded); `npm run openapi` writes it for `rules/`
 * into docs/openapi.json, and a test holds the committed file to what it writes.
 */
import { applicationJsonSchema, type JsonSchema, type Ruleset } from "@jsqc/engine";

type Doc = { components?: { schemas?: Record<string, unknown> }; [key: string]: unknown };

const GENERATED = /^Application\d{4}$/;

/** `base` with the application schemas of `years` (sorted by year) put in its components. */
export function withApplicationSchemas(base: Doc, years: readonly { year: string; ruleset: Ruleset }[]): Doc {
  const schemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(base.components?.schemas ?? {})) if (!GENERATED.test(name)) schemas[name] = schema;
  const sorted = [...years].sort((a, b) => a.year.localeCompare(b.year));
  for (const { year, ruleset } of sorted) {
    const { $schema: _dialect, ...schema } = applicationJsonSchema(ruleset) as JsonSchema;
    schemas[`Application${year}`] = { ...schema, description: `${year} 年度规则文件的申请（与 GET /api/rules/${year}/schema 相同）/ an application to the ${year} rule file` };
  }
  const generic = base.components?.schemas?.["Application"] as JsonSchema | undefined;
  const description = "申请的格式由年度规则文件决定：路径中的年度对应 Application<年度> / the path's year decides which Application<year> applies (docs/application.md).";
  schemas["Application"] = sorted.length === 0
    ? (generic ?? {})
    : { description, anyOf: sorted.map(({ year }) => ({ $ref: `#/components/schemas/Application${year}` })) };
  return { ...base, components: { ...base.components, schemas } };
}
