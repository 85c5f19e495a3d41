import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormatsPlugin from 'ajv-formats'
import { parse as parseYaml } from 'yaml'
import type { AssertionContext, AssertionSpec } from '../types.js'
import { invalidAssertion } from './values.js'

const SHOWN_ERRORS = 3

// One validator per distinct schema: cases repeat the same schema, and a fresh Ajv per schema
// keeps two schemas that reuse an `$id` from colliding.
const validators = new Map<string, ValidateFunction>()

/** Whether the assertion carries a schema at all (`is-json` and `contains-json` work without one). */
export function hasSchema(value: unknown): boolean {
  return value !== undefined && value !== null && value !== ''
}

/**
 * A validator for the assertion's schema: an object (or boolean schema), or text holding JSON or
 * YAML. A `file://` reference must already have been loaded by the config loader.
 */
export function schemaValidator(
  value: unknown,
  spec: AssertionSpec,
  context: AssertionContext
): ValidateFunction {
  const schema = typeof value === 'string' ? parseSchemaText(value, spec, context) : value
  if (
    typeof schema !== 'boolean' &&
    (typeof schema !== 'object' || schema === null || Array.isArray(schema))
  ) {
    throw invalidAssertion(
      context,
      `the "${spec.type}" value must be a JSON schema (an object, or JSON/YAML text)`
    )
  }
  const key = JSON.stringify(schema)
  let validate = validators.get(key)
  if (!validate) {
    try {
      // Strict as promptfoo's is, so a misspelt keyword is reported instead of silently ignored;
      // the type and tuple checks would only log to the console, so they are off.
      const ajv = new Ajv({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false })
      addFormats(ajv)
      validate = ajv.compile(schema)
    } catch (error) {
      throw invalidAssertion(context, `the "${spec.type}" JSON schema is invalid: ${compileProblem(error)}`)
    }
    validators.set(key, validate)
  }
  return validate
}

// ajv-formats is CommonJS; under NodeNext its default import is the module namespace.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv

function compileProblem(error: unknown): string {
  return (error as Error).message
}

function parseSchemaText(text: string, spec: AssertionSpec, context: AssertionContext): unknown {
  if (text.startsWith('file://')) {
    throw invalidAssertion(
      context,
      `the "${spec.type}" schema ${text} was not loaded; check that the file exists`
    )
  }
  try {
    return parseYaml(text)
  } catch (error) {
    throw invalidAssertion(
      context,
      `the "${spec.type}" schema is neither JSON nor YAML: ${(error as Error).message}`
    )
  }
}

/** The first few validation errors, e.g. `/age must be integer; must have required property 'name'`. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  const list = errors ?? []
  const shown = list.slice(0, SHOWN_ERRORS).map(error => `${error.instancePath || '(root)'} ${error.message}`)
  const more = list.length > SHOWN_ERRORS ? ` (and ${list.length - SHOWN_ERRORS} more)` : ''
  return shown.join('; ') + more
}
