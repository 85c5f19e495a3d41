import type { AssertionContext, Judge } from '../../../src/assertions/types.js'

/** A judge that answers from a script and records what it was asked. */
export function fakeJudge(answer: string | ((prompt: string) => string)): Judge & {
  requests: Parameters<Judge>[0][]
} {
  const requests: Parameters<Judge>[0][] = []
  const judge = async (request: Parameters<Judge>[0]) => {
    requests.push(request)
    const prompt = request.messages.at(-1)?.content ?? ''
    return typeof answer === 'string' ? answer : answer(prompt)
  }
  return Object.assign(judge, { requests })
}

export function contextFor(output: string, overrides: Partial<AssertionContext> = {}): AssertionContext {
  return {
    output,
    vars: {},
    judge: fakeJudge(() => {
      throw new Error('this test does not expect a judge call')
    }),
    source: 'prompts/a.prompt.yml',
    ...overrides
  }
}
