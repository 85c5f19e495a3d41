import type { TestCase } from '../datasets/types.js'
import { isUserError, UserError } from '../errors.js'
import { renderMessages } from '../prompts/template.js'
import type { PromptVersion, ProviderRef } from '../prompts/types.js'
import type { CompletionRequest } from '../providers/types.js'
import { hashCall } from './hash.js'
import type { PromptUnderTest, Side } from './types.js'

/** One model call of the plan: a prompt version rendered for one test case. Plain data. */
export interface PlannedCall {
  /** Index into the prompts given to `planEvaluation`. */
  promptIndex: number
  /** Index into that prompt's `cases`. */
  caseIndex: number
  caseId: string
  /** 0-based sample index: a prompt with `repeat: n` runs each case n times per side. */
  repeat: number
  side: Side
  /** The path of the version that was rendered (the base path differs for renamed prompts). */
  path: string
  provider: ProviderRef
  request: CompletionRequest
  /** See `hashCall`: equal hashes are interchangeable calls. */
  hash: string
}

const SIDES: readonly Side[] = ['base', 'head']

/** Whether a prompt is run at all: removed prompts have nothing to compare against. */
export function isRunnable(prompt: PromptUnderTest): boolean {
  return prompt.status !== 'removed' && prompt.head !== undefined
}

/** How many times each case of the prompt runs per side; a UserError unless a whole number of at least 1. */
export function repeatsOf(prompt: PromptUnderTest): number {
  const repeat = prompt.repeat ?? 1
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new UserError(`repeat must be a whole number of at least 1, not ${repeat} (${prompt.suite})`, {
      file: prompt.path
    })
  }
  return repeat
}

/**
 * Every call the evaluation will make, rendered up front so that a template error stops the run
 * before the first model call. Both sides run on the head's test cases; with `repeat: n` each case's
 * samples follow one another.
 */
export function planEvaluation(prompts: PromptUnderTest[]): PlannedCall[] {
  const planned: PlannedCall[] = []
  prompts.forEach((prompt, promptIndex) => {
    if (!isRunnable(prompt)) return
    const repeats = repeatsOf(prompt)
    for (const side of SIDES) {
      const version = prompt[side]
      if (!version) continue
      prompt.cases.forEach((testCase, caseIndex) => {
        const request = renderRequest(version, testCase, side)
        for (let repeat = 0; repeat < repeats; repeat++) {
          planned.push({
            promptIndex,
            caseIndex,
            caseId: testCase.id,
            repeat,
            side,
            path: version.path,
            provider: version.provider,
            request,
            hash: hashCall(version.provider, request, repeat)
          })
        }
      })
    }
  })
  return planned
}

function renderRequest(version: PromptVersion, testCase: TestCase, side: Side): CompletionRequest {
  const request: CompletionRequest = {
    messages: renderWithContext(version, testCase, side),
    parameters: version.parameters
  }
  if (version.responseFormat && version.responseFormat !== 'text')
    request.responseFormat = version.responseFormat
  if (version.responseFormat === 'json_schema') request.jsonSchema = version.jsonSchema
  return request
}

function renderWithContext(version: PromptVersion, testCase: TestCase, side: Side) {
  // Test data in the prompt file itself (`*.prompt.yml`) is addressed the way GitHub Models names it.
  const inSameFile = testCase.source?.file === version.path
  const what = inSameFile
    ? `testData row ${testCase.id}`
    : `test case ${testCase.id}${testCase.source ? ` of ${testCase.source.file}` : ''}`
  try {
    return renderMessages(version.messages, testCase.vars, {
      file: version.path,
      what,
      line: inSameFile ? testCase.source?.line : undefined,
      keepMissing: version.keepMissingPlaceholders === true
    })
  } catch (error) {
    if (side === 'base' && isUserError(error)) {
      throw new UserError(
        `base version (${version.ref.slice(0, 7)}): ${error.message}; both versions run on the head's test data`,
        {
          file: error.file,
          line: error.line,
          column: error.column
        }
      )
    }
    throw error
  }
}
