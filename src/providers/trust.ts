import { UserError } from '../errors.js'
import type { ProviderRef } from '../prompts/types.js'

/**
 * The providers a run that holds secrets may call: those its trusted configuration names, plus
 * `github:` models (always the `models-endpoint` with the models token). Pull-request content may pick
 * among them, never add one.
 */
export interface ProviderTrust {
  /** Where the trusted providers come from, for messages, e.g. "the base branch's .github/promptgate.yml". */
  source: string
  /** Why the rule applies, e.g. "under pull_request_target". */
  reason: string
  trusted: ProviderRef[]
}

/** What a request reaches and which key it carries; the model name within one endpoint is free. */
interface Endpoint {
  kind: string
  target: string
  keyVariable?: string
}

const DEFAULT_ENDPOINTS: Record<string, { url: string; keyVariable: string }> = {
  openai: { url: 'https://api.openai.com/v1', keyVariable: 'OPENAI_API_KEY' },
  anthropic: { url: 'https://api.anthropic.com', keyVariable: 'ANTHROPIC_API_KEY' }
}

function kindOf(id: string): string {
  const colon = id.indexOf(':')
  return colon > 0 ? id.slice(0, colon) : ''
}

function normalisedUrl(url: string): string {
  return url.trim().replace(/\/+$/, '')
}

/**
 * A `command:` is its whole command line (the program is what runs); an HTTP provider is its URL and the
 * environment variable its key comes from. `github:` needs neither: its endpoint is the action's input.
 */
function endpointOf(ref: ProviderRef): Endpoint | undefined {
  const kind = kindOf(ref.id)
  if (kind === 'github') return undefined
  if (kind === 'command') return { kind, target: ref.id.trim() }
  const defaults = DEFAULT_ENDPOINTS[kind]
  const url = ref.baseUrl ?? defaults?.url ?? ''
  return { kind, target: normalisedUrl(url), keyVariable: ref.apiKeyEnv ?? defaults?.keyVariable }
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.kind === b.kind && a.target === b.target && a.keyVariable === b.keyVariable
}

function describeEndpoint(ref: ProviderRef, endpoint: Endpoint): string {
  if (endpoint.kind === 'command') return `"${ref.id}", a command to run`
  return `"${ref.id}" at ${endpoint.target} with the key in ${endpoint.keyVariable ?? '(none)'}`
}

/**
 * Throws, before anything is read or sent, when `ref` reaches a provider the trusted configuration does
 * not name. The error names the file and line that asked for it (`ref.origin`).
 */
export function requireTrustedProvider(ref: ProviderRef, trust: ProviderTrust): void {
  const endpoint = endpointOf(ref)
  if (!endpoint) return
  const trusted = trust.trusted.map(endpointOf).filter((item): item is Endpoint => item !== undefined)
  if (trusted.some(item => sameEndpoint(item, endpoint))) return
  const allowed = trust.trusted.filter(item => kindOf(item.id) !== 'github').map(item => `"${item.id}"`)
  const list = allowed.length > 0 ? `it names ${[...new Set(allowed)].join(', ')}` : 'it names none'
  throw new UserError(
    `this asks for provider ${describeEndpoint(ref, endpoint)}, which ${trust.source} does not name ` +
      `(${list}). ${trust.reason} only the providers it names and github: models run; pick one of ` +
      'those, or add the provider to that config in a pull request of its own',
    ref.origin ?? {}
  )
}
