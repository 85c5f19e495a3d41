import type { AssertionContext, AssertionHandler, AssertionSpec } from '../types.js'
import { binary, invalidAssertion, renderedValue } from './values.js'

/** Words are runs of non-whitespace characters. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(word => word !== '').length
}

/** The value is an exact count (a number or numeric text) or bounds `{ min?, max? }`, both inclusive. */
export const wordCount: AssertionHandler = (spec, context) => {
  const value = renderedValue(spec, context)
  const count = countWords(context.output)
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { min, max } = bounds(value as Record<string, unknown>, spec, context)
    const within = (min === undefined || count >= min) && (max === undefined || count <= max)
    return binary(within, `Word count ${count} is not ${describeBounds(min, max)}`)
  }
  const expected = asNumber(value)
  if (expected === undefined) {
    throw invalidAssertion(
      context,
      'a "word-count" value must be a number or an object with "min" and/or "max"'
    )
  }
  return binary(count === expected, `Word count ${count} does not equal ${expected}`)
}

function bounds(
  value: Record<string, unknown>,
  spec: AssertionSpec,
  context: AssertionContext
): { min?: number; max?: number } {
  const min = value.min === undefined ? undefined : asNumber(value.min)
  const max = value.max === undefined ? undefined : asNumber(value.max)
  if ((value.min !== undefined && min === undefined) || (value.max !== undefined && max === undefined)) {
    throw invalidAssertion(context, `the "${spec.type}" bounds "min" and "max" must be numbers`)
  }
  if (min === undefined && max === undefined) {
    throw invalidAssertion(context, `a "${spec.type}" object value needs "min" and/or "max"`)
  }
  if (min !== undefined && max !== undefined && min > max) {
    throw invalidAssertion(context, `the "${spec.type}" min (${min}) is greater than its max (${max})`)
  }
  return { min, max }
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && !Number.isNaN(value)) return value
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value)
  return undefined
}

function describeBounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`
  return min !== undefined ? `at least ${min}` : `at most ${max}`
}
