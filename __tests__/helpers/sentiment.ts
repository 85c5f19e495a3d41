/** The e2e tests' example: a sentiment prompt whose edit drops "one word", and a model that obeys it. */
export const SENTIMENT_PROMPT = 'prompts/sentiment.prompt.yml'

/** Line of the system message in `sentimentPrompt`: the first line an instruction edit changes. */
export const INSTRUCTION_LINE = 7

export function sentimentPrompt(instruction: string, extra = ''): string {
  return `name: Sentiment
model: openai/gpt-4o-mini
modelParameters:
  temperature: 0
messages:
  - role: system
    content: ${instruction}
  - role: user
    content: 'Review: {{review}}'
testData:
  - review: I love it
    expected: positive
  - review: It broke on day two
    expected: negative
  - review: It is a box
    expected: neutral
evaluators:
  - name: label
    string:
      equals: '{{expected}}'
${extra}`
}

export const ONE_WORD = sentimentPrompt('Answer with one word.')
export const CHATTY = sentimentPrompt('Be friendly and helpful.')

/** Follows the "one word" instruction, and rambles without it. */
export function sentimentModel(request: { messages: { role: string; content: string }[] }): string {
  const text = request.messages.map(message => message.content).join('\n')
  const label = /love/.test(text) ? 'positive' : /broke/.test(text) ? 'negative' : 'neutral'
  return /one word/i.test(text) ? label : `I think the review is ${label}.`
}
