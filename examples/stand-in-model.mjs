// A STAND-IN MODEL, not a real one: a tiny OpenAI-compatible chat-completions server on loopback
// that answers by rules, so the demo runs offline and gives the same answers every time.
// It classifies the sentiment of the text after "Review:" by keywords. When the prompt asks for
// "one word" it answers with one lowercase word; otherwise it answers with a sentence, which is
// how a real model drifts when a prompt edit drops that instruction.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { chatCompletionBody } from './chat-completion.mjs'

const POSITIVE = ['love', 'great', 'excellent', 'fast', 'perfect', 'happy', 'recommend', 'works']
const NEGATIVE = ['broke', 'refund', 'slow', 'terrible', 'disappointed', 'never', 'worst', 'late']

function sentimentOf(text) {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? []
  const score = words.reduce(
    (sum, word) => sum + (POSITIVE.includes(word) ? 1 : 0) - (NEGATIVE.includes(word) ? 1 : 0),
    0
  )
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral'
}

export function answer(messages) {
  const prompt = messages.map(message => message.content).join('\n')
  const review = (prompt.split(/Review:/i).pop() ?? '').trim()
  const sentiment = sentimentOf(review)
  if (/one word/i.test(prompt)) return sentiment
  return `The customer seems ${sentiment} about the product.`
}

export function startStandInModel({ port = 0 } = {}) {
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
        response.writeHead(404, { 'content-type': 'application/json' })
        response.end(
          JSON.stringify({
            error: { message: 'Not found: the stand-in model only answers POST /chat/completions' }
          })
        )
        return
      }
      const { model = 'stand-in', messages = [] } = JSON.parse(body || '{}')
      // A flat 40 prompt tokens per call, whatever the prompt.
      const completion = chatCompletionBody({
        id: `chatcmpl-standin-${Date.now()}`,
        model,
        content: answer(messages),
        promptTokens: 40
      })
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify(completion))
    })
  })
  return new Promise(resolve => {
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address()
      resolve({ url: `http://127.0.0.1:${bound}`, close: () => new Promise(done => server.close(done)) })
    })
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { url } = await startStandInModel({ port: Number(process.env.PORT ?? 0) })
  console.log(`stand-in model (not a real model) listening at ${url}`)
}
