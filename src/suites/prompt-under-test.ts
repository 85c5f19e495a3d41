import type { ChangeSource, ChangedFile } from '../changes/types.js'
import type { TestCase } from '../datasets/types.js'
import { errorMessage, UserError } from '../errors.js'
import type { PromptUnderTest } from '../eval/types.js'
import { renderMessages } from '../prompts/template.js'
import type { PromptVersion } from '../prompts/types.js'

/** How one kind of prompt file becomes prompt versions (and, for the head, the cases to run). */
export interface PromptFormat {
  /** No version means the file has nothing to evaluate; `nothing` says why. */
  head(
    text: string,
    path: string,
    ref: string
  ): { version?: PromptVersion; cases: TestCase[]; nothing?: string }
  base(text: string, path: string, ref: string): PromptVersion
}

/** Everything about a prompt under test except its versions and cases. */
export type PromptIdentity = Omit<
  PromptUnderTest,
  'base' | 'head' | 'cases' | 'path' | 'previousPath' | 'status'
>

export function changeReason(file: ChangedFile): string {
  switch (file.status) {
    case 'added':
      return 'prompt added (no base version to compare)'
    case 'removed':
      return 'prompt removed (nothing to run)'
    case 'renamed':
      return `prompt renamed from ${file.previousPath ?? 'an earlier path'}`
    default:
      return 'prompt changed'
  }
}

async function readRequired(source: ChangeSource, path: string): Promise<string> {
  const text = await source.read(source.headRef, path)
  if (text === undefined) {
    throw new UserError(`could not read ${path} at ${source.headRef.slice(0, 7)}, where it should exist`, {
      file: path
    })
  }
  return text
}

/**
 * Loads both versions of a prompt. The head must parse; a base that is missing, no longer parses,
 * or cannot render the head's cases (a renamed placeholder) must not block the head's evaluation,
 * so the head then runs as new and the reason says why.
 */
export async function loadPromptUnderTest(
  file: ChangedFile,
  identity: PromptIdentity,
  format: PromptFormat,
  source: ChangeSource,
  debug: (message: string) => void
): Promise<PromptUnderTest> {
  const prompt: PromptUnderTest = {
    path: file.path,
    ...(file.previousPath !== undefined ? { previousPath: file.previousPath } : {}),
    status: file.status,
    ...identity,
    cases: []
  }
  if (file.status === 'removed') return prompt

  const head = format.head(await readRequired(source, file.path), file.path, source.headRef)
  if (!head.version) {
    prompt.reason = `${prompt.reason}; nothing to evaluate (${head.nothing ?? 'no test data'})`
    return prompt
  }
  prompt.head = head.version
  prompt.cases = head.cases
  if (file.status === 'added') return prompt

  const basePath = file.previousPath ?? file.path
  const baseText = await source.read(source.baseRef, basePath)
  if (baseText === undefined) {
    prompt.reason = `${prompt.reason}; ${basePath} is missing at the base commit, so it runs as new`
    return prompt
  }
  try {
    const base = format.base(baseText, basePath, source.baseRef)
    for (const testCase of prompt.cases)
      renderMessages(base.messages, testCase.vars, {
        file: basePath,
        keepMissing: base.keepMissingPlaceholders === true
      })
    prompt.base = base
  } catch (error) {
    debug(`base version of ${basePath} cannot run on the head's test data: ${errorMessage(error)}`)
    prompt.reason = `${prompt.reason}; the base version cannot run on the head's test data (${errorMessage(error)}), so the head runs as new`
  }
  return prompt
}
