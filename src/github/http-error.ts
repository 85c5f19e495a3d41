/**
 * What an Octokit failure says about itself, read structurally: the fetch layer throws a
 * RequestError with `status` and `response`, and network failures carry neither.
 */
interface HttpFailure {
  status: number
  message: string
  response?: { headers?: Record<string, string | undefined>; data?: unknown }
}

function asHttpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' && status > 0 ? (error as HttpFailure) : undefined
}

export function httpStatus(error: unknown): number | undefined {
  return asHttpFailure(error)?.status
}

/** GitHub's own `message` field (RequestError's message also appends the documentation URL). */
export function apiMessage(error: unknown): string {
  const failure = asHttpFailure(error)
  const data = failure?.response?.data
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { message?: unknown }).message === 'string'
  ) {
    return (data as { message: string }).message
  }
  return error instanceof Error ? error.message : String(error)
}

/** A 403 or 429 that is a (secondary) rate limit rather than a missing permission. */
export function isRateLimited(error: unknown): boolean {
  const failure = asHttpFailure(error)
  if (!failure || (failure.status !== 403 && failure.status !== 429)) return false
  return failure.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(apiMessage(error))
}
