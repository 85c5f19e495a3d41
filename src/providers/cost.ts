import { UserError } from '../errors.js'
import type { ModelPrice } from './prices.js'
import type { Provider, TokenUsage } from './types.js'

/** USD for the tokens at the price, or undefined when either is unknown. */
export function costOf(tokens: TokenUsage | undefined, price: ModelPrice | undefined): number | undefined {
  if (!tokens || !price) return undefined
  const dollars = (tokens.prompt * price.inputPerMillion + tokens.completion * price.outputPerMillion) / 1e6
  // Rounded to a billionth of a dollar, so sums don't show float noise such as 0.30000000000000004.
  return Math.round(dollars * 1e9) / 1e9
}

/** Adds `cost` to every completion that reports tokens and has none of its own (a command may report one). */
export function withCost(provider: Provider, price: ModelPrice | undefined): Provider {
  if (!price) return provider
  return {
    ref: provider.ref,
    ...(provider.embed ? { embed: provider.embed.bind(provider) } : {}),
    async complete(request, signal) {
      const completion = await provider.complete(request, signal)
      if (completion.cost !== undefined) return completion
      const cost = costOf(completion.tokens, price)
      return cost === undefined ? completion : { ...completion, cost }
    }
  }
}

/** A configured price, checked: a UserError names the provider when a figure is not a number of 0 or more. */
export function checkedPrice(providerId: string, price: ModelPrice): ModelPrice {
  for (const field of ['inputPerMillion', 'outputPerMillion'] as const) {
    const value: unknown = price[field]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new UserError(
        `the price of ${providerId} needs ${field} as a number of 0 or more (USD per million tokens), ` +
          `not ${JSON.stringify(value)}`
      )
    }
  }
  return price
}
