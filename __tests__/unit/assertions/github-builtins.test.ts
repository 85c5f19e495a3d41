import { describe, expect, it } from '@jest/globals'
import {
  builtinJudge,
  knownBuiltins,
  missingBuiltinVariable
} from '../../../src/assertions/github-builtins.js'
import { runAssertion } from '../../../src/assertions/index.js'
import { errorMessage } from '../../../src/errors.js'
import { parseGitHubModelsPrompt } from '../../../src/prompts/github-models.js'
import { templateVariables } from '../../../src/prompts/template.js'
import { contextFor, fakeJudge } from './fake-judge.js'

const NEEDS: Record<string, string[]> = {
  'github/similarity': ['input', 'expected'],
  'github/coherence': ['input'],
  'github/fluency': [],
  'github/relevance': ['input'],
  'github/groundedness': ['input', 'expected']
}

/** The spec a `uses:` evaluator becomes, straight from the parser. */
function builtinSpec(uses: string) {
  const text = `model: m\nmessages:\n  - {role: user, content: hi}\nevaluators:\n  - name: judged\n    uses: ${uses}\n`
  const spec = parseGitHubModelsPrompt(text, 'prompts/a.prompt.yml', 'abc').evaluators[0]
  if (!spec) throw new Error('no evaluator parsed')
  return spec
}

describe('github built-in judges', () => {
  it('are the five public built-ins', () => {
    expect(knownBuiltins()).toEqual(Object.keys(NEEDS))
  })

  it.each(Object.entries(NEEDS))(
    '%s reads {{completion}} and exactly the vars it declares',
    (name, needs) => {
      const judge = builtinJudge(name)!
      expect(judge.needs.map(need => need.variable)).toEqual(needs)
      expect(templateVariables(judge.prompt).sort()).toEqual([...needs, 'completion'].sort())
      expect(templateVariables(judge.systemPrompt)).toEqual([])
    }
  )

  it.each(Object.keys(NEEDS))('%s rates 1 to 5 as 0 to 1 and asks for the digit alone', name => {
    const judge = builtinJudge(name)!
    expect(judge.choices).toEqual([
      { choice: '1', score: 0 },
      { choice: '2', score: 0.25 },
      { choice: '3', score: 0.5 },
      { choice: '4', score: 0.75 },
      { choice: '5', score: 1 }
    ])
    expect(judge.prompt).toMatch(/single digit .* and nothing else\.$/)
  })

  it('finds the first var a judge needs that the row lacks', () => {
    const groundedness = builtinJudge('github/groundedness')!
    expect(missingBuiltinVariable(groundedness, { input: 'q', expected: null })?.variable).toBe('expected')
    expect(missingBuiltinVariable(groundedness, {})?.variable).toBe('input')
    expect(missingBuiltinVariable(groundedness, { input: 'q', expected: 'src' })).toBeUndefined()
  })

  it('runs a parsed uses: evaluator through the judge with the row filled in', async () => {
    const judge = fakeJudge('4')
    const result = await runAssertion(
      builtinSpec('github/relevance'),
      contextFor('Paris.', { vars: { input: 'Capital of France?' }, judge })
    )

    expect(result).toEqual({
      pass: true,
      score: 0.75,
      reason: 'the judge chose "4" (score 0.75)',
      metric: 'judged',
      type: 'llm-choice',
      weight: 1
    })
    const [system, user] = judge.requests[0]?.messages ?? []
    expect(system?.role).toBe('system')
    expect(user?.content).toContain('<question>\nCapital of France?\n</question>')
    expect(user?.content).toContain('<response>\nParis.\n</response>')
    expect(judge.requests[0]?.provider).toBeUndefined()
    expect(judge.requests[0]?.fallback).toEqual({ id: 'github:openai/gpt-4o' })
  })

  it('passes above 1 star, as gh models eval does', async () => {
    const run = (answer: string) =>
      runAssertion(builtinSpec('github/fluency'), contextFor('Fine prose.', { judge: fakeJudge(answer) }))
    expect(await run('5')).toMatchObject({ pass: true, score: 1 })
    expect(await run('2')).toMatchObject({ pass: true, score: 0.25 })
    expect(await run('1')).toMatchObject({ pass: false, score: 0 })
  })

  it('sends a var the row lacks as the placeholder itself, as gh models eval does', async () => {
    const judge = fakeJudge('3')
    await runAssertion(builtinSpec('github/similarity'), contextFor('x', { judge }))
    expect(judge.requests[0]?.messages[1]?.content).toContain('<reference>\n{{expected}}\n</reference>')
  })

  it('takes {{expected}} from the case for similarity', async () => {
    const judge = fakeJudge('5')
    await runAssertion(
      builtinSpec('github/similarity'),
      contextFor('A fox jumped.', { expected: 'A fox leapt.', judge })
    )
    expect(judge.requests[0]?.messages[1]?.content).toContain('<reference>\nA fox leapt.\n</reference>')
  })

  it('in a config assertion, says which var is missing instead of calling the judge', async () => {
    try {
      await runAssertion(
        { type: 'llm-choice', builtin: 'github/similarity', metric: 'judged' },
        contextFor('x', { vars: { input: 'q' } })
      )
      throw new Error('expected an error')
    } catch (error) {
      expect(errorMessage(error)).toBe(
        'prompts/a.prompt.yml: assertion "judged" uses github/similarity, which needs "expected" (the reference ' +
          'answer to compare with) in every test case; add "expected" to the test case or use another evaluator'
      )
    }
  })

  it('fills the prompt and choices of a spec that only names the built-in', async () => {
    const judge = fakeJudge('2')
    const result = await runAssertion(
      { type: 'llm-choice', builtin: 'github/coherence' },
      contextFor('so anyway', { judge, vars: { input: 'tell me' } })
    )
    expect(result).toMatchObject({ score: 0.25, pass: true, metric: 'llm-choice' })
    expect(judge.requests[0]?.messages[1]?.content).toBe(
      builtinJudge('github/coherence')!
        .prompt.replace('{{completion}}', 'so anyway')
        .replace('{{input}}', 'tell me')
    )
  })

  it('rejects an unknown built-in with a suggestion', async () => {
    await expect(
      runAssertion({ type: 'llm-choice', builtin: 'github/fluent', metric: 'f' }, contextFor('x'))
    ).rejects.toThrow(
      'assertion "f": unknown built-in judge "github/fluent"; did you mean "github/fluency"? Known built-ins: ' +
        knownBuiltins().join(', ')
    )
  })
})
