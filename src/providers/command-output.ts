import type { TokenUsage } from './types.js'

export interface CommandAnswer {
  output: string
  tokens?: TokenUsage
  cost?: number
}

/**
 * What a `command:` program printed: its stdout less one trailing newline, or, when that is a JSON object
 * with an `output` string, the object's `output`, `tokens` and `cost`. Any other stdout, JSON included,
 * is the output as printed. Throws when the object's `tokens` or `cost` are malformed.
 */
export function parseCommandOutput(stdout: string): CommandAnswer {
  const text = stdout.replace(/\r?\n$/, '')
  const object = jsonObjectIn(text)
  if (!object || typeof object.output !== 'string') return { output: text }

  const answer: CommandAnswer = { output: object.output }
  if (object.tokens !== undefined) answer.tokens = toTokens(object.tokens)
  if (object.cost !== undefined) {
    if (typeof object.cost !== 'number' || !Number.isFinite(object.cost) || object.cost < 0) {
      throw new Error(`printed a "cost" that is not a number of 0 or more: ${JSON.stringify(object.cost)}`)
    }
    answer.cost = object.cost
  }
  return answer
}

function toTokens(value: unknown): TokenUsage {
  const tokens = isObject(value) ? value : {}
  const { prompt, completion, total } = tokens
  if (!isCount(prompt) || !isCount(completion) || (total !== undefined && !isCount(total))) {
    throw new Error(
      `printed "tokens" as ${JSON.stringify(value)}; expected {"prompt": n, "completion": n, "total"?: n} ` +
        'with whole numbers'
    )
  }
  return { prompt, completion, total: total ?? prompt + completion }
}

function jsonObjectIn(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
