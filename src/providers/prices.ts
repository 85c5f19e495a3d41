/** USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number
  outputPerMillion: number
}

/**
 * Standard pay-as-you-go rates (no batch, cache or long-context tiers) by normalised model name, as the
 * vendors listed them in November 2026. Prices change and this table will fall behind: a run's config can
 * set its own per provider (ProviderEnvironment.prices), which wins.
 */
export const PRICES_AS_OF = '2026-11'

const price = (inputPerMillion: number, outputPerMillion: number): ModelPrice => ({
  inputPerMillion,
  outputPerMillion
})

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI, also served by GitHub Models as openai/<model>.
  'gpt-4o': price(2.5, 10),
  'gpt-4o-2024-05-13': price(5, 15),
  'gpt-4o-mini': price(0.15, 0.6),
  'gpt-4.1': price(2, 8),
  'gpt-4.1-mini': price(0.4, 1.6),
  'gpt-4.1-nano': price(0.1, 0.4),
  'gpt-5': price(1.25, 10),
  'gpt-5-mini': price(0.25, 2),
  'gpt-5-nano': price(0.05, 0.4),
  'gpt-5.1': price(1.25, 10),
  o1: price(15, 60),
  'o1-mini': price(1.1, 4.4),
  o3: price(2, 8),
  'o3-mini': price(1.1, 4.4),
  'o4-mini': price(1.1, 4.4),
  'gpt-4-turbo': price(10, 30),
  'gpt-3.5-turbo': price(0.5, 1.5),

  // Anthropic.
  'claude-opus-5-5': price(4, 20),
  'claude-opus-5': price(5, 25),
  'claude-opus-4-8': price(5, 25),
  'claude-opus-4-7': price(5, 25),
  'claude-opus-4-6': price(5, 25),
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4-1': price(15, 75),
  'claude-opus-4': price(15, 75),
  'claude-3-opus': price(15, 75),
  'claude-sonnet-5-5': price(2, 10),
  'claude-sonnet-5': price(2, 10),
  'claude-sonnet-4-6': price(3, 15),
  'claude-sonnet-4-5': price(3, 15),
  'claude-sonnet-4': price(3, 15),
  'claude-3-7-sonnet': price(3, 15),
  'claude-3-5-sonnet': price(3, 15),
  'claude-haiku-4-5': price(1, 5),
  'claude-3-5-haiku': price(0.8, 4),
  'claude-3-haiku': price(0.25, 1.25)
}

/**
 * The table's key for a model id as users and APIs spell it: lower case, without a publisher prefix
 * (`openai/gpt-4o` on GitHub Models), a `-latest` alias or a date snapshot (`-2024-08-06`, `-20250929`).
 * Claude versions may be written with dots (`claude-sonnet-4.5`) and `-0` (`claude-sonnet-4-0`).
 */
export function normalizeModelName(model: string): string {
  let name = model.trim().toLowerCase()
  name = name.slice(name.lastIndexOf('/') + 1)
  name = name.replace(/-latest$/, '').replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '')
  if (name.startsWith('claude-')) name = name.replace(/\./g, '-').replace(/-0$/, '')
  return name
}

/** The built-in price of a model, trying the dated snapshot first (some were priced apart). */
export function builtInPrice(model: string): ModelPrice | undefined {
  const dated = model.trim().toLowerCase()
  const exact = MODEL_PRICES[dated.slice(dated.lastIndexOf('/') + 1)]
  return exact ?? MODEL_PRICES[normalizeModelName(model)]
}
