import type { AssertionContext, AssertionHandler, AssertionOutcome, AssertionSpec } from '../types.js'
import { extractJsonObjects } from './extract-json.js'
import { describeSchemaErrors, hasSchema, schemaValidator } from './json-schema.js'
import { binary, invalidAssertion, passed, renderedValue } from './values.js'

/** The whole output is JSON and, when the value gives a schema, conforms to it. */
export const isJson: AssertionHandler = (spec, context) => {
  const schema = renderedValue(spec, context)
  return wholeOutputMatches(spec, context, hasSchema(schema) ? schema : undefined)
}

/**
 * promptgate's names for `is-json` with a schema that must be given. (promptfoo has no such type;
 * there a schema is the value of `is-json`.)
 */
export const isValidJsonSchema: AssertionHandler = (spec, context) => {
  const schema = renderedValue(spec, context)
  if (!hasSchema(schema))
    throw invalidAssertion(context, `a "${spec.type}" assertion needs a JSON schema value`)
  return wholeOutputMatches(spec, context, schema)
}

/**
 * Some JSON object appears in the output (in prose or a code fence) and, when the value gives a
 * schema, at least one of the objects found conforms to it.
 */
export const containsJson: AssertionHandler = (spec, context) => {
  const schema = renderedValue(spec, context)
  const objects = extractJsonObjects(context.output)
  if (objects.length === 0) return binary(false, 'Expected output to contain valid JSON')
  if (!hasSchema(schema)) return passed()
  const validate = schemaValidator(schema, spec, context)
  if (objects.some(object => validate(object))) return passed()
  // `validate` keeps the errors of its last call: those of the last object found.
  return binary(
    false,
    `No JSON object in the output conforms to the schema: ${describeSchemaErrors(validate.errors)}`
  )
}

function wholeOutputMatches(
  spec: AssertionSpec,
  context: AssertionContext,
  schema: unknown
): AssertionOutcome {
  let parsed: unknown
  try {
    parsed = JSON.parse(context.output)
  } catch {
    return binary(false, 'Expected output to be valid JSON')
  }
  if (schema === undefined) return passed()
  const validate = schemaValidator(schema, spec, context)
  return binary(
    validate(parsed),
    `JSON does not conform to the schema: ${describeSchemaErrors(validate.errors)}`
  )
}
