import { HttpClient } from '@actions/http-client'
import { Octokit as OctokitCore } from '@octokit/core'
import { paginateRest } from '@octokit/plugin-paginate-rest'
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { fetch as undiciFetch } from 'undici'

// Built from @octokit/core rather than `@actions/github`: that package parses GITHUB_EVENT_PATH
// when it is imported, so a truncated event file crashed the action before `run()` could say
// which file was broken.
const OctokitWithPlugins = OctokitCore.plugin(restEndpointMethods, paginateRest, retry, throttling)

/** The one client of the action and the CLI: REST methods, paginate, retries and throttling. */
export type Octokit = InstanceType<typeof OctokitWithPlugins>

/** Where the client writes; the action passes `core.debug`, `core.info`, `core.warning`, `core.error`. */
export interface OctokitLog {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export interface CreateOctokitOptions {
  /** REST root; defaults to `GITHUB_API_URL` (GitHub Enterprise) or https://api.github.com. */
  baseUrl?: string
  log?: OctokitLog
  /** How often one request is retried after a 5xx, a rate limit or a secondary rate limit. Default 3. */
  retries?: number
  /**
   * Milliseconds per unit of back-off: server errors wait (attempt²) units, rate limits wait the
   * seconds GitHub asks for, in units. Default 1000; tests pass 1 so nothing sleeps.
   */
  retryDelayUnitMs?: number
  /**
   * The longest rate-limit wait, in GitHub's seconds, we sit through. A primary limit can reset an
   * hour away; burning runner minutes on that helps nobody, so beyond this the request fails.
   */
  maxRateLimitWaitSeconds?: number
  /**
   * Default true: rate limits are waited out and writes spaced as GitHub asks of integrations (1 s
   * apart, 3 s between comment posts). Tests of write sequences pass false to skip that spacing.
   */
  throttle?: boolean
}

const defaultRetries = 3
const defaultDelayUnitMs = 1000
const defaultMaxRateLimitWaitSeconds = 120

// Statuses that no retry fixes. 429 is here because the throttling plugin owns rate limits;
// letting both plugins retry it would multiply the attempts.
const doNotRetry = [400, 401, 403, 404, 410, 422, 429, 451]

// Throttling groups are module-wide and keyed by id. A distinct id per client keeps one client's
// write spacing (1 s, 3 s for comment posts) from delaying another client in the same process.
let clientCount = 0

const silentLog: OctokitLog = { debug() {}, info() {}, warn() {}, error() {} }

export function createOctokit(token: string, options: CreateOctokitOptions = {}): Octokit {
  const log = options.log ?? silentLog
  const retries = options.retries ?? defaultRetries
  const delayUnitMs = options.retryDelayUnitMs ?? defaultDelayUnitMs
  const maxWaitSeconds = options.maxRateLimitWaitSeconds ?? defaultMaxRateLimitWaitSeconds

  const retryOnLimit =
    (kind: string) =>
    (
      retryAfterSeconds: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number
    ) => {
      const what = `${request.method} ${request.url}`
      if (retryCount >= retries || retryAfterSeconds > maxWaitSeconds) {
        log.debug(
          `GitHub ${kind} on ${what}: giving up after ${retryCount} retries (asked to wait ${retryAfterSeconds}s)`
        )
        return false
      }
      log.debug(`GitHub ${kind} on ${what}: retry ${retryCount + 1} of ${retries} in ${retryAfterSeconds}s`)
      return true
    }

  const baseUrl = options.baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com'
  return new OctokitWithPlugins({
    auth: `token ${token}`,
    baseUrl,
    userAgent: userAgent(),
    request: { fetch: proxyAwareFetch(baseUrl) },
    log,
    retry: { retries, retryAfterBaseValue: delayUnitMs, doNotRetry },
    throttle: {
      enabled: options.throttle ?? true,
      id: `promptgate-${++clientCount}`,
      retryAfterBaseValue: delayUnitMs,
      onRateLimit: retryOnLimit('rate limit'),
      onSecondaryRateLimit: retryOnLimit('secondary rate limit')
    }
  })
}

/** Honours `https_proxy` / `no_proxy` as the runner's own tools do (what `@actions/github` did). */
function proxyAwareFetch(baseUrl: string): typeof fetch {
  const dispatcher = new HttpClient().getAgentDispatcher(baseUrl)
  if (!dispatcher) return fetch
  return ((url: string, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof fetch
}

/** GitHub asks integrations to name the orchestration in the user agent, as `@actions/github` does. */
function userAgent(): string | undefined {
  const id = process.env.ACTIONS_ORCHESTRATION_ID?.trim()
  return id ? `promptgate actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined
}
