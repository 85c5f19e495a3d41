import { describe, expect, it } from '@jest/globals'
import { loadConfig } from '../../../src/config/load.js'
import { assertNesting, MAX_NESTING } from '../../../src/config/safe-value.js'
import { loadTestCases } from '../../../src/datasets/load.js'
import { errorMessage, UserError } from '../../../src/errors.js'
import { parseGitHubModelsPrompt } from '../../../src/prompts/github-models.js'
import { resolveFileValues } from '../../../src/suites/file-refs.js'

/** "Billion laughs": nine levels of nine aliases each, 9⁹ strings once expanded. */
function aliasBomb(key = 'bomb'): string {
  const names = 'abcdefghi'.split('')
  const lines = [`${names[0]}: &${names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]`]
  for (let i = 1; i < names.length; i++) {
    const previous = `*${names[i - 1]}`
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(previous).join(', ')}]`)
  }
  lines.push(`${key}: *i`)
  return `${lines.join('\n')}\n`
}

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

function thrown(action: () => unknown): UserError {
  try {
    action()
  } catch (error) {
    if (error instanceof UserError) return error
    throw new Error(`expected a UserError, got ${String(error)}`)
  }
  throw new Error('expected an error')
}

async function rejected(action: () => Promise<unknown>): Promise<UserError> {
  try {
    await action()
  } catch (error) {
    if (error instanceof UserError) return error
    throw new Error(`expected a UserError, got ${String(error)}`)
  }
  throw new Error('expected an error')
}

describe('YAML alias bombs', () => {
  it('in the config are one error naming the config', () => {
    const error = thrown(() =>
      loadConfig(`version: 1\n${aliasBomb('x_extra')}`, '.github/promptgate.yml', {})
    )
    expect(error.file).toBe('.github/promptgate.yml')
    expect(error.message).toMatch(/alias bomb/)
  })

  it('in a *.prompt.yml are one error naming the prompt file', () => {
    const error = thrown(() => parseGitHubModelsPrompt(aliasBomb('messages'), 'prompts/a.prompt.yml', 'abc'))
    expect(errorMessage(error)).toMatch(/^prompts\/a\.prompt\.yml: .*alias bomb/)
  })

  it('in a YAML golden set are one error naming the golden set', async () => {
    const indented = aliasBomb('q')
      .trimEnd()
      .split('\n')
      .map(line => `    ${line}`)
    const read = async () => `- vars:\n${indented.join('\n')}\n`
    const error = await rejected(() => loadTestCases('evals/set.yaml', { file: 'c.yml', read }))
    expect(errorMessage(error)).toMatch(/^evals\/set\.yaml: .*alias bomb/)
  })

  it('in a file:// assertion value are one error naming that file', async () => {
    const error = await rejected(() =>
      resolveFileValues(
        [{ type: 'is-json', value: 'file://schema.yaml' }],
        async () => aliasBomb(),
        () => ({
          file: 'c.yml',
          what: 'assertion'
        })
      )
    )
    expect(error.file).toBe('schema.yaml')
    expect(error.message).toMatch(/alias bomb/)
  })

  it('leave ordinary aliases alone', () => {
    const config = loadConfig(
      'version: 1\nrepeat: &three 3\nconcurrency: *three\n',
      '.github/promptgate.yml',
      {}
    )
    expect(config.concurrency).toBe(3)
  })
})

describe('deeply nested values', () => {
  it('a JSONL row of 100,000 nested arrays is one error at its file and line', async () => {
    const read = async () => `{"vars": {"q": "fine"}}\n{"vars": {"q": ${deepArray(100_000)}}}\n`
    const error = await rejected(() => loadTestCases('evals/set.jsonl', { file: 'c.yml', read }))
    expect(errorMessage(error)).toMatch(/^evals\/set\.jsonl:2: the value nests more than 200 levels/)
  })

  it('a JSON golden set nested that deep is one error naming the file', async () => {
    const read = async () => `[{"vars": {"q": ${deepArray(100_000)}}}]`
    const error = await rejected(() => loadTestCases('evals/set.json', { file: 'c.yml', read }))
    expect(error.file).toBe('evals/set.json')
    expect(error.message).toMatch(/nests more than/)
  })

  it('a YAML golden set nested past the limit is refused', async () => {
    const read = async () => `- vars: { q: ${deepArray(MAX_NESTING + 5)} }\n`
    const error = await rejected(() => loadTestCases('evals/set.yaml', { file: 'c.yml', read }))
    expect(error.file).toBe('evals/set.yaml')
  })

  it('in the config is one error naming the config', () => {
    const error = thrown(() =>
      loadConfig(`version: 1\nx: ${deepArray(MAX_NESTING + 5)}\n`, '.github/promptgate.yml', {})
    )
    expect(error.file).toBe('.github/promptgate.yml')
    expect(error.message).toMatch(/nests more than/)
  })

  it('in a file:// JSON value is one error naming that file', async () => {
    const error = await rejected(() =>
      resolveFileValues(
        [{ type: 'is-json', value: 'file://schema.json' }],
        async () => deepArray(100_000),
        () => ({ file: 'c.yml', what: 'assertion' })
      )
    )
    expect(error.file).toBe('schema.json')
    expect(error.message).toMatch(/nests more than/)
  })

  it('accepts a value right at the limit and refuses one level more', () => {
    const nest = (depth: number): unknown => (depth === 0 ? 'leaf' : [nest(depth - 1)])
    expect(() => assertNesting(nest(MAX_NESTING), { file: 'f' })).not.toThrow()
    expect(() => assertNesting(nest(MAX_NESTING + 1), { file: 'f' })).toThrow(UserError)
  })
})
