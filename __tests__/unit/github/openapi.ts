/**
 * GitHub's REST description (@octokit/openapi) turned into validators, so tests can hold the fake
 * GitHub and our requests to what GitHub documents.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

export interface Operation {
  parameters?: JsonObject[]
  requestBody?: JsonObject
  responses: Record<string, JsonObject>
}

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
}

const require = createRequire(import.meta.url)

export class GitHubDescription {
  private readonly spec: { paths: Record<string, Record<string, Operation>>; components: JsonObject }
  private readonly ajv: Ajv
  private readonly validators = new Map<string, ValidateFunction>()

  constructor() {
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json')
    this.spec = JSON.parse(readFileSync(file, 'utf8'))
    // OpenAPI 3.0 keywords (example, x-github, ...) are not JSON Schema; formats are not what we check.
    this.ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, validateSchema: false })
    const schemas = (this.spec.components as { schemas: JsonObject }).schemas
    this.ajv.addSchema({ $id: 'github', components: { schemas: toJsonSchema(schemas) } })
  }

  operation(method: string, path: string): Operation | undefined {
    return this.spec.paths[path]?.[method.toLowerCase()]
  }

  parameters(operation: Operation): Parameter[] {
    return (operation.parameters ?? []).map(parameter => this.resolve(parameter) as unknown as Parameter)
  }

  /** The JSON schema of the operation's response for `status`, or undefined if it documents none. */
  responseSchema(operation: Operation, status: number): JsonObject | undefined {
    const response = operation.responses[String(status)]
    if (!response) return undefined
    const content = (this.resolve(response).content ?? {}) as Record<string, { schema?: JsonObject }>
    return content['application/json']?.schema
  }

  requestBodySchema(operation: Operation): JsonObject | undefined {
    if (!operation.requestBody) return undefined
    const content = (this.resolve(operation.requestBody).content ?? {}) as Record<
      string,
      { schema?: JsonObject }
    >
    const schema = content['application/json']?.schema
    return schema ? (this.resolve(schema) as JsonObject) : undefined
  }

  /** The schema every GitHub error body follows. */
  errorSchema(): JsonObject {
    return { $ref: '#/components/schemas/basic-error' }
  }

  /** Validation errors of `value` against an OpenAPI schema, as readable lines; empty when valid. */
  problems(schema: JsonObject, value: unknown): string[] {
    const key = JSON.stringify(schema)
    let validate = this.validators.get(key)
    if (!validate) {
      validate = this.ajv.compile(pointAtComponents(toJsonSchema(schema) as JsonObject))
      this.validators.set(key, validate)
    }
    if (validate(value)) return []
    return (validate.errors ?? []).map(problem => `${problem.instancePath || '/'} ${problem.message ?? ''}`)
  }

  /** Follows a local `$ref` such as `#/components/parameters/per-page`. */
  resolve(node: JsonObject): JsonObject {
    const ref = node.$ref
    if (typeof ref !== 'string') return node
    let target: Json = this.spec as unknown as Json
    for (const key of ref.replace(/^#\//, '').split('/')) {
      target = (target as JsonObject)[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Json
    }
    return this.resolve(target as JsonObject)
  }
}

/**
 * OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type, `discriminator` goes. A `oneOf` becomes an
 * `anyOf`: GitHub's alternatives overlap (a 422 is a `validation-error` or a
 * `repository-rule-violation-error`, which requires nothing, so every body matches both).
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (node === null || typeof node !== 'object') return node
  const { nullable, discriminator: _discriminator, oneOf, ...others } = node
  const rest = oneOf === undefined ? others : { ...others, anyOf: oneOf }
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]))
  if (nullable !== true) return converted
  if (typeof converted.type === 'string') {
    const withNull: JsonObject = { ...converted, type: [converted.type, 'null'] }
    if (Array.isArray(converted.enum)) withNull.enum = [...converted.enum, null]
    return withNull
  }
  return { anyOf: [converted, { type: 'null' }] }
}

/** Inline schemas outside components refer to `#/components/...`; send those to the added document. */
function pointAtComponents(node: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(node).replace(/"\$ref":"#\/components\//g, '"$ref":"github#/components/'))
}
