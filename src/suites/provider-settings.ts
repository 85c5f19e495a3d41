import type { Config, ProviderConfig } from '../config/types.js'
import type { ProviderEnvironment } from '../providers/types.js'

/** Prices and rate limits the config gives, keyed by provider id, for the provider registry. */
export function providerSettings(
  config: Config | undefined
): Pick<ProviderEnvironment, 'prices' | 'requestsPerMinute'> {
  const prices: NonNullable<ProviderEnvironment['prices']> = {}
  const requestsPerMinute: NonNullable<ProviderEnvironment['requestsPerMinute']> = {}
  const providers: (ProviderConfig | undefined)[] = [
    config?.provider,
    config?.grader,
    ...(config?.suites ?? []).map(suite => suite.provider)
  ]
  for (const provider of providers) {
    if (!provider) continue
    if (provider.prices) prices[provider.id] = provider.prices
    if (provider.requestsPerMinute) requestsPerMinute[provider.id] = provider.requestsPerMinute
  }
  return { prices, requestsPerMinute }
}
