import type { AssertionHandler } from '../types.js'
import { binary, quoted, renderedValue, requireString } from './values.js'

export const startsWith: AssertionHandler = (spec, context) => {
  const prefix = requireString(renderedValue(spec, context), spec, context)
  return binary(context.output.startsWith(prefix), `Expected output to start with ${quoted(prefix)}`)
}
