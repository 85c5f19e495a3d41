import { describe, expect, it } from '@jest/globals'
import { PathDescriber } from '../../../src/config/describe-path.js'

describe('PathDescriber', () => {
  const describer = new PathDescriber({ suites: [{ name: 'triage' }, { prompts: [] }] })

  it('names suites by name, or by position when they have none', () => {
    expect(describer.container(['suites', 0])).toBe('suite "triage"')
    expect(describer.container(['suites', 1])).toBe('suite 2')
  })

  it('names nested places from the inside out', () => {
    expect(describer.subject(['suites', 0, 'tests', 2, 'assert', 0, 'weight'])).toBe(
      '"weight" in assertion 1 of test case 3 of suite "triage"'
    )
    expect(describer.subject(['suites', 0, 'provider', 'id'])).toBe('"id" in the provider of suite "triage"')
    expect(describer.subject(['suites', 0, 'thresholds', 'bleu'])).toBe('threshold "bleu" of suite "triage"')
    expect(describer.subject(['suites', 0, 'prompts', 1])).toBe('item 2 of "prompts" in suite "triage"')
    expect(describer.subject(['grader', 'top_p'])).toBe('"top_p" in grader')
  })

  it('calls the root the top level, and the config as a value', () => {
    expect(describer.container([])).toBe('the top level')
    expect(describer.subject([])).toBe('the config')
  })
})
