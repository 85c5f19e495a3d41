import { describe, expect, it } from '@jest/globals'
import { llmChoice, matchChoice, scoreAnswer } from '../../../src/assertions/llm-choice.js'
import type { AssertionSpec } from '../../../src/assertions/types.js'
import { errorMessage } from '../../../src/errors.js'
import { contextFor, fakeJudge } from './fake-judge.js'

const YES_NO = [
  { choice: 'Yes', score: 1 },
  { choice: 'No', score: 0 }
]

function spec(fields: Partial<AssertionSpec> = {}): AssertionSpec {
  return {
    type: 'llm-choice',
    prompt: 'Is this polite? {{completion}}',
    choices: YES_NO,
    metric: 'polite',
    ...fields
  }
}

async function rejection(promise: unknown): Promise<string> {
  try {
    await promise
  } catch (error) {
    return errorMessage(error)
  }
  throw new Error('expected a rejection')
}

describe('llm-choice', () => {
  it('sends the rendered prompt as the user message, after the system prompt', async () => {
    const judge = fakeJudge('Yes')
    const context = contextFor('Thanks a lot!', { vars: { tone: 'warm' }, expected: 'Thank you.', judge })
    await llmChoice(
      spec({
        systemPrompt: 'You grade {{tone}} replies.',
        prompt: 'Reply: {{completion}}\nReference: {{expected}}\nTone: {{tone}}'
      }),
      context
    )

    expect(judge.requests).toEqual([
      {
        messages: [
          { role: 'system', content: 'You grade warm replies.' },
          { role: 'user', content: 'Reply: Thanks a lot!\nReference: Thank you.\nTone: warm' }
        ],
        provider: undefined
      }
    ])
  })

  it('leaves out the system message when there is none', async () => {
    const judge = fakeJudge('Yes')
    await llmChoice(spec(), contextFor('hi', { judge }))
    expect(judge.requests[0]?.messages).toEqual([{ role: 'user', content: 'Is this polite? hi' }])
  })

  it('inserts the output as is, even when it looks like a placeholder', async () => {
    const judge = fakeJudge('Yes')
    await llmChoice(spec(), contextFor('use {{name}} here', { judge }))
    expect(judge.requests[0]?.messages[0]?.content).toBe('Is this polite? use {{name}} here')
  })

  it('asks the GitHub model named by modelId, or leaves the provider to the run', async () => {
    const judge = fakeJudge('Yes')
    await llmChoice(spec({ modelId: 'openai/gpt-4o' }), contextFor('hi', { judge }))
    await llmChoice(spec({ modelId: 'openai:gpt-4o-mini' }), contextFor('hi', { judge }))
    expect(judge.requests.map(request => request.provider)).toEqual([
      { id: 'github:openai/gpt-4o' },
      { id: 'openai:gpt-4o-mini' }
    ])
  })

  it('scores by the matching choice and passes on the top score', async () => {
    expect(await llmChoice(spec(), contextFor('hi', { judge: fakeJudge('Yes.') }))).toEqual({
      pass: true,
      score: 1,
      reason: 'the judge chose "Yes" (score 1)'
    })
    expect(await llmChoice(spec(), contextFor('hi', { judge: fakeJudge('no') }))).toEqual({
      pass: false,
      score: 0,
      reason: 'the judge chose "No" (score 0)'
    })
  })

  it('fails with score 0 and quotes the answer when no choice matches', async () => {
    const rambling = `I cannot decide.\n\n${'It depends on context. '.repeat(10)}`
    const outcome = await llmChoice(spec({ match: 'word' }), contextFor('hi', { judge: fakeJudge(rambling) }))
    expect(outcome.pass).toBe(false)
    expect(outcome.score).toBe(0)
    expect(outcome.reason).toBe(
      `the judge's answer matched none of the choices (Yes, No): "I cannot decide. ${'It depends on context. '
        .repeat(10)
        .slice(0, 102)}…"`
    )
  })

  it('reads the answer as gh models eval does: lowercased, the first listed choice it contains, pass above 0', async () => {
    const scale = [
      { choice: 'Bad', score: 0 },
      { choice: 'OK', score: 0.5 },
      { choice: 'Good', score: 1 }
    ]
    const run = (answer: string) =>
      llmChoice(spec({ choices: scale }), contextFor('hi', { judge: fakeJudge(answer) }))
    expect(await run('It is ok')).toMatchObject({ pass: true, score: 0.5 })
    expect(await run('GOOD, not bad')).toMatchObject({ pass: false, score: 0 })
    expect(await run('Good.')).toMatchObject({ pass: true, score: 1 })
    expect(await run('This looks good')).toMatchObject({ pass: true, score: 0.5 }) // "ok" in "looks"
    // A choice inside a word counts too, as in gh models eval ("no" in "cannot").
    expect(await llmChoice(spec(), contextFor('hi', { judge: fakeJudge('I cannot say') }))).toMatchObject({
      pass: false,
      reason: 'the judge chose "No" (score 0)'
    })
    expect(await run('unsure')).toMatchObject({ pass: false, score: 0 })
  })

  it('gives the judge the trimmed output as {{completion}}', async () => {
    const judge = fakeJudge('Yes')
    await llmChoice(spec(), contextFor('  \n Dear Sir \n', { judge }))
    expect(judge.requests[0]?.messages[0]?.content).toBe('Is this polite? Dear Sir')
  })

  it('rejects a match mode it does not know', async () => {
    expect(await rejection(llmChoice(spec({ match: 'exact' }), contextFor('hi')))).toContain(
      '"match" must be "contains"'
    )
  })

  it('reports a missing placeholder value', async () => {
    const message = await rejection(
      llmChoice(spec({ prompt: '{{question}} {{completion}}' }), contextFor('hi'))
    )
    expect(message).toBe(
      'prompts/a.prompt.yml: the placeholder {{question}} has no value in the test case\'s vars; add "question" to the test case\'s vars or remove the placeholder'
    )
  })

  it('rejects specs without a prompt or with bad choices', async () => {
    expect(await rejection(llmChoice(spec({ prompt: undefined }), contextFor('hi')))).toBe(
      'prompts/a.prompt.yml: assertion "polite": "prompt" must be the text sent to the judge, with {{completion}} where the output goes'
    )
    expect(await rejection(llmChoice(spec({ choices: [] }), contextFor('hi')))).toContain(
      '"choices" must list the judge\'s possible answers'
    )
    expect(await rejection(llmChoice(spec({ choices: [{ choice: 'A', score: 2 }] }), contextFor('hi')))).toBe(
      'prompts/a.prompt.yml: assertion "polite": choices[0] ("A") needs a "score" between 0 and 1'
    )
    expect(
      await rejection(llmChoice(spec({ choices: [{ choice: '', score: 1 }] }), contextFor('hi')))
    ).toContain('choices[0] needs a non-empty "choice"')
  })
})

describe('scoreAnswer', () => {
  const scale = [
    { choice: 'poor', score: 0 },
    { choice: 'fair', score: 0.5 },
    { choice: 'great', score: 1 }
  ]

  it('takes the first listed choice that appears, not the first in the answer', () => {
    expect(scoreAnswer('great, or at least fair', scale)).toMatchObject({ score: 0.5, pass: false })
  })

  it('passes only on the highest score', () => {
    expect(scoreAnswer('GREAT', scale)).toMatchObject({ score: 1, pass: true })
  })
})

describe('matchChoice', () => {
  it('ignores case', () => {
    expect(matchChoice('YES, it is', YES_NO)).toEqual({ choice: 'Yes', score: 1 })
  })

  it('prefers a whole word to a part of a word', () => {
    const choices = [
      { choice: 'correct', score: 1 },
      { choice: 'incorrect', score: 0 }
    ]
    expect(matchChoice('That is incorrect.', choices)).toEqual({ choice: 'incorrect', score: 0 })
    expect(matchChoice('Not really, no.', YES_NO)).toEqual({ choice: 'No', score: 0 })
  })

  it('never matches inside a word', () => {
    expect(matchChoice('I cannot say', YES_NO)).toBeUndefined()
    expect(matchChoice('Unknown', YES_NO)).toBeUndefined()
  })

  it('falls back to the start of a word when no whole word matches', () => {
    expect(matchChoice('Passed with flying colours', [{ choice: 'pass', score: 1 }])).toEqual({
      choice: 'pass',
      score: 1
    })
  })

  it('matches choices with punctuation literally', () => {
    const choices = [
      { choice: '(A)', score: 1 },
      { choice: 'B.*', score: 0 }
    ]
    expect(matchChoice('I pick (A)', choices)).toEqual({ choice: '(A)', score: 1 })
    expect(matchChoice('Bxx', choices)).toBeUndefined()
  })

  it('finds digits on their own, not inside longer numbers', () => {
    const digits = ['1', '2', '3', '4', '5'].map((choice, index) => ({ choice, score: index / 4 }))
    expect(matchChoice('Score: 4', digits)).toEqual({ choice: '4', score: 0.75 })
    expect(matchChoice('4\n', digits)).toEqual({ choice: '4', score: 0.75 })
    expect(matchChoice('In 45 words: 5', digits)).toEqual({ choice: '5', score: 1 })
  })
})
