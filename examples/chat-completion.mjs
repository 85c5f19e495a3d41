// The body of an OpenAI chat-completions success response, shared by the loopback servers that stand in
// for a model: the demo's stand-in model (examples/stand-in-model.mjs) and the benchmark's fake model
// server (bench/fake-model-server.mjs). Word counts stand in for token counts.

/** The number of whitespace-separated words in `text`. */
export function countWords(text) {
  return text.split(/\s+/).filter(Boolean).length
}

/**
 * A `chat.completion` object with one assistant choice that finished with `stop`.
 * @param {{ id: string, model: string, content: string, promptTokens: number }} fields
 */
export function chatCompletionBody({ id, model, content, promptTokens }) {
  const completionTokens = countWords(content)
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens
    }
  }
}
