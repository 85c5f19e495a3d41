import { UserError } from '../errors.js'
import { didYouMean } from '../prompts/did-you-mean.js'
import { renderTemplate } from '../prompts/template.js'
import type { AssertionHandler } from './types.js'

export const GH_STRING_OPERATORS = ['contains', 'equals', 'startsWith', 'endsWith'] as const
export type GhStringOperator = (typeof GH_STRING_OPERATORS)[number]

// As `gh models eval` does: `equals` is exact, the others ignore case.
const checks: Record<GhStringOperator, { test: (output: string, value: string) => boolean; says: string }> = {
  equals: { test: (output, value) => output === value, says: 'equal' },
  contains: { test: (output, value) => output.toLowerCase().includes(value.toLowerCase()), says: 'contain' },
  startsWith: {
    test: (output, value) => output.toLowerCase().startsWith(value.toLowerCase()),
    says: 'start with'
  },
  endsWith: { test: (output, value) => output.toLowerCase().endsWith(value.toLowerCase()), says: 'end with' }
}

/** GitHub Models' `string` evaluator; the output is trimmed first and `value` may use the case's vars. */
export const ghString: AssertionHandler = (spec, context) => {
  const operator = spec.operator
  if (typeof operator !== 'string' || !isOperator(operator)) {
    const got = typeof operator === 'string' ? `"${operator}"` : 'nothing'
    const hint = typeof operator === 'string' ? didYouMean(operator, GH_STRING_OPERATORS) : ''
    throw new UserError(
      `assertion gh-string needs "operator" to be one of ${GH_STRING_OPERATORS.join(', ')}, not ${got}${hint}`,
      { file: context.source }
    )
  }
  if (!['string', 'number', 'boolean'].includes(typeof spec.value)) {
    throw new UserError(`assertion gh-string (${operator}) needs a text "value" to compare the output with`, {
      file: context.source
    })
  }
  const vars = context.expected !== undefined ? { ...context.vars, expected: context.expected } : context.vars
  const value = renderTemplate(String(spec.value), vars, {
    file: context.source ?? 'the test case',
    keepMissing: spec.keepMissing === true
  })
  const check = checks[operator]
  const pass = check.test(context.output.trim(), value)
  return {
    pass,
    score: pass ? 1 : 0,
    reason: `the output ${pass ? 'does' : 'does not'} ${check.says} "${value}"`
  }
}

function isOperator(name: string): name is GhStringOperator {
  return (GH_STRING_OPERATORS as readonly string[]).includes(name)
}
