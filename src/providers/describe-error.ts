import { STATUS_CODES } from 'node:http'
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'

export interface ErrorSituation {
  providerId: string
  baseURL: string
  model: string
  timeoutMs: number
  /** HTTP attempts made, retries included. */
  attempts: number
  /** The body of the last error response, when it was read. */
  responseText?: string
  /** Redacted from anything the server echoes back. */
  apiKey: string
  /** Appended to 401 and 403 messages: what to check about credentials. */
  authHint?: string
}

type ErrorClass<T = Error> = abstract new (...args: never[]) => T

/** The error classes of a Stainless-generated SDK (openai, @anthropic-ai/sdk): their shapes agree. */
export interface SdkErrorClasses {
  APIUserAbortError: ErrorClass
  APIConnectionTimeoutError: ErrorClass
  APIConnectionError: ErrorClass<Error & { cause?: unknown }>
  APIError: ErrorClass<Error & { status?: number; error?: unknown }>
}

export const OPENAI_ERROR_CLASSES: SdkErrorClasses = {
  APIUserAbortError,
  APIConnectionTimeoutError,
  APIConnectionError,
  APIError
}

const MAX_SERVER_MESSAGE_LENGTH = 300
/** Statuses node:http has no name for. */
const EXTRA_STATUS_TEXT: Record<number, string> = { 529: 'Overloaded' }

/**
 * Turns an SDK error into one whose message is safe to show in a PR comment: it names the provider,
 * the status and the server's own words (shortened), and never the key or the Authorization header.
 */
export function describeProviderError(
  error: unknown,
  situation: ErrorSituation,
  sdk: SdkErrorClasses = OPENAI_ERROR_CLASSES
): Error {
  const { providerId } = situation
  const tries = situation.attempts > 1 ? ` after ${situation.attempts} attempts` : ''

  if (error instanceof sdk.APIUserAbortError) return new Error(`${providerId}: the request was cancelled.`)
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new Error(`${providerId} did not answer within ${situation.timeoutMs} ms${tries}.`)
  }
  if (error instanceof sdk.APIConnectionError) {
    const reason = connectionFailureReason(error)
    return new Error(`${providerId} could not reach ${safeUrl(situation.baseURL)}${tries}${reason}.`)
  }
  if (error instanceof sdk.APIError && error.status !== undefined) {
    const statusText = STATUS_CODES[error.status] ?? EXTRA_STATUS_TEXT[error.status] ?? ''
    const status = `${error.status} ${statusText}`.trim()
    let said = redact(serverMessage(error, situation.responseText), situation.apiKey)
    if (said.toLowerCase() === statusText.toLowerCase()) said = ''
    const hint = hintFor(error.status, situation)
    return new Error(
      `${providerId} answered ${status}${tries}${said ? `: ${said}` : ''}.${hint ? ` ${hint}` : ''}`
    )
  }
  const message = error instanceof Error ? error.message : String(error)
  return new Error(`${providerId}: ${redact(message, situation.apiKey)}`)
}

function hintFor(status: number, situation: ErrorSituation): string {
  if ((status === 401 || status === 403) && situation.authHint) return situation.authHint
  if (status === 404) {
    return `Check that the model "${situation.model}" exists at ${safeUrl(situation.baseURL)}.`
  }
  return ''
}

/** What the server said, from the error response's text when we have it (the SDK drops unusual shapes). */
function serverMessage(error: { error?: unknown }, responseText: string | undefined): string {
  const body = responseText === undefined ? { error: error.error } : parseJsonOrText(responseText)
  return shorten(messageIn(body))
}

/**
 * Understands OpenAI's `{error: {message}}`, GitHub Models' `{error: {message, details}}`, Anthropic's
 * `{type: 'error', error: {type, message}}` and common others.
 */
function messageIn(body: unknown, depth = 0): string {
  if (typeof body === 'string') return body
  if (!isObject(body)) return ''
  const inner = body.error
  if (typeof inner === 'string') return inner
  // The Anthropic SDK keeps the whole body as `error.error`, which serverMessage wraps once more.
  if (isObject(inner) && isObject(inner.error) && depth < 2) return messageIn(inner, depth + 1)
  if (isObject(inner) && typeof inner.message === 'string') {
    const details =
      typeof inner.details === 'string' && inner.details !== inner.message ? ` (${inner.details})` : ''
    return `${inner.message}${details}`
  }
  if (typeof body.message === 'string') return body.message
  if (typeof body.detail === 'string') return body.detail
  return inner === undefined ? JSON.stringify(body) : JSON.stringify(inner)
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function connectionFailureReason(error: { cause?: unknown }): string {
  let cause: unknown = error.cause
  for (let depth = 0; depth < 5 && cause; depth++) {
    if (isObject(cause) && typeof cause.code === 'string') return ` (${cause.code})`
    cause = isObject(cause) ? cause.cause : undefined
  }
  return ''
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim().replace(/\.$/, '')
  return oneLine.length > MAX_SERVER_MESSAGE_LENGTH
    ? `${oneLine.slice(0, MAX_SERVER_MESSAGE_LENGTH - 1)}…`
    : oneLine
}

function redact(text: string, apiKey: string): string {
  const withoutKey = apiKey.length >= 4 ? text.split(apiKey).join('***') : text
  return withoutKey.replace(/(bearer\s+)[^\s"',]+/gi, '$1***')
}

/** The URL without credentials, query or fragment. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname.replace(/\/$/, '')}`
  } catch {
    return '(invalid base URL)'
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}
