/**
 * Why a fetch failed, in words. Duck-typed: fetch's errors may come from another realm (a VM context),
 * where `instanceof Error` is false.
 */
export function fetchFailure(error: unknown, timeoutMs: number): string {
  const fields = (value: unknown): { name?: unknown; message?: unknown; code?: unknown; cause?: unknown } =>
    typeof value === 'object' && value !== null ? value : {}
  const outer = fields(error)
  if (outer.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000}s`
  const cause = fields(outer.cause)
  const detail = [cause.code, cause.message ?? outer.message].filter(part => typeof part === 'string')
  return `unreachable (${detail.length > 0 ? detail.join(': ') : String(error)})`
}
