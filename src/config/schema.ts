import { Ajv, type ValidateFunction } from 'ajv'
import schema from '../../schema/promptgate.schema.json' with { type: 'json' }

const SCHEMA_KEY = 'promptgate'

let ajv: Ajv | undefined

/** The config's JSON Schema, or one of its definitions (e.g. `testCase`), compiled once. */
export function schemaValidator(definition?: string): ValidateFunction {
  ajv ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).addSchema(schema, SCHEMA_KEY)
  const key = definition ? `${SCHEMA_KEY}#/definitions/${definition}` : SCHEMA_KEY
  const validate = ajv.getSchema(key)
  if (!validate) throw new Error(`The config schema has no definition "${definition}"`)
  return validate
}
