import type { ProviderConfig } from '../config/types.js'
import { jsonSyntaxProblem } from '../datasets/json-syntax.js'
import { UserError } from '../errors.js'
import { didYouMean } from './did-you-mean.js'
import { describeValue } from './schema-errors.js'
import type { ChatMessage, ModelParameters, PromptVersion, ProviderRef, Role } from './types.js'
import { YamlSource, type PathSegment } from './yaml-source.js'

/** Keys a template's front matter (or a chat file's mapping form) may set. */
const SETTINGS = ['name', 'description', 'system', 'model', 'temperature', 'max_tokens', 'top_p'] as const
type Setting = (typeof SETTINGS)[number]

const PROVIDER_KINDS = ['github', 'openai', 'anthropic', 'command']
const ROLES: readonly Role[] = ['system', 'user', 'assistant']

/** Whether a path is a chat list (JSON or YAML) rather than a text or markdown template. */
export function isChatFile(path: string): boolean {
  return /\.(json|ya?ml)$/i.test(path)
}

/**
 * Parses a prompt file of a config suite read at `ref`:
 * - a text or markdown template: the whole file is the user message; optional YAML front matter
 *   (between `---` lines) sets `system`, `model`, `temperature`, `max_tokens` and `top_p`;
 * - a chat file (`.json`, `.yaml`, `.yml`): a list of `{role, content}` messages, or a mapping with
 *   `messages` and the same settings as front matter.
 * Settings in the file override the suite's provider parameters; `model` replaces the provider's
 * model (`gpt-4o`) or the whole provider id (`openai:gpt-4o`). Errors name the file and line.
 */
export function parsePromptTemplateFile(
  text: string,
  path: string,
  ref: string,
  provider: ProviderConfig | undefined
): PromptVersion {
  const source = text.replace(/^\uFEFF/, '')
  const parsed = isChatFile(path)
    ? parseChatFile(source, path)
    : parseTextTemplate(source.replace(/\r\n/g, '\n'), path)
  const settings = readSettings(parsed.settings)
  const version: PromptVersion = {
    path,
    ref,
    provider: providerFor(provider, settings, path),
    parameters: { ...provider?.parameters, ...settings.parameters },
    messages: parsed.messages
  }
  if (settings.name !== undefined) version.name = settings.name
  return version
}

interface ParsedFile {
  messages: ChatMessage[]
  /** The mapping of settings, with its source for error positions. */
  settings?: { value: Record<string, unknown>; source: YamlSource; path: PathSegment[] }
}

const FENCE = /^---[ \t]*$/
const CLOSING_FENCE = /^(---|\.\.\.)[ \t]*$/

function parseTextTemplate(text: string, file: string): ParsedFile {
  const lines = text.split('\n')
  let body = text
  let settings: ParsedFile['settings']
  if (FENCE.test(lines[0] ?? '')) {
    const end = lines.findIndex((line, index) => index > 0 && CLOSING_FENCE.test(line))
    if (end < 0) {
      throw new UserError(
        'the front matter that starts here is not closed; end it with a line of "---", or remove the first line if it is not front matter',
        { file, line: 1, column: 1 }
      )
    }
    // A blank first line keeps the front matter's line numbers equal to the file's.
    const yaml = `\n${lines.slice(1, end).join('\n')}`
    const source = YamlSource.parse(yaml, file)
    const value = source.toJS()
    if (value !== null && value !== undefined) {
      if (!isRecord(value)) {
        throw source.errorAt(
          `the front matter must be a mapping of settings (${SETTINGS.join(', ')}), not ${describeValue(value)}`,
          source.nodeAt([])
        )
      }
      settings = { value, source, path: [] }
    }
    body = lines.slice(end + 1).join('\n')
  }
  const content = body.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd()
  if (content === '') {
    throw new UserError(
      'the template is empty; write the user message below the front matter, with {{var}} placeholders for the test variables',
      { file, line: 1 }
    )
  }
  const system = settings?.value['system']
  const messages: ChatMessage[] = typeof system === 'string' ? [{ role: 'system', content: system }] : []
  messages.push({ role: 'user', content })
  return { messages, settings }
}

/**
 * V8 leaves the position out of some messages (`Unexpected token ']', ..."x" },\n]" is not valid
 * JSON`) but quotes the text around it, from 10 characters before the token when cut.
 */
function positionFromExcerpt(error: SyntaxError, text: string): { line: number; column: number } | undefined {
  const match = /^Unexpected token '(.)', (\.\.\.)?"(.*?)(?:\.\.\.)?" is not valid JSON$/s.exec(error.message)
  if (!match) return undefined
  const [, token = '', cut, excerpt = ''] = match
  const start = text.indexOf(excerpt)
  if (start < 0) return undefined
  const offset = cut ? start + 10 : start + excerpt.indexOf(token)
  const before = text.slice(0, offset).split('\n')
  return { line: before.length, column: before[before.length - 1]!.length + 1 }
}

function parseChatFile(text: string, file: string): ParsedFile {
  if (/\.json$/i.test(file)) {
    try {
      JSON.parse(text)
    } catch (error) {
      const problem = jsonSyntaxProblem(error as SyntaxError, text)
      const position = problem.line === undefined ? positionFromExcerpt(error as SyntaxError, text) : problem
      throw new UserError(problem.message, { file, line: position?.line, column: position?.column })
    }
  }
  const source = YamlSource.parse(text, file)
  const value = source.toJS()
  const shape = 'a list of {role, content} messages, or a mapping with "messages" and settings'
  if (Array.isArray(value)) return { messages: readMessages(value, source, []) }
  if (!isRecord(value)) {
    throw source.errorAt(`the file must hold ${shape}, not ${describeValue(value)}`, source.nodeAt([]))
  }
  if (!('messages' in value)) {
    throw source.errorAt(`the file has no "messages"; it must hold ${shape}`, source.nodeAt([]))
  }
  const { messages, ...rest } = value
  if (!Array.isArray(messages)) {
    throw source.errorAt(
      `"messages" must be a list of {role, content} messages, not ${describeValue(messages)}`,
      source.nodeAt(['messages'])
    )
  }
  return {
    messages: readMessages(messages, source, ['messages']),
    settings: { value: rest, source, path: [] }
  }
}

function readMessages(list: unknown[], source: YamlSource, path: PathSegment[]): ChatMessage[] {
  if (list.length === 0) {
    throw source.errorAt(
      'the message list is empty; add at least one {role, content} message',
      source.nodeAt(path)
    )
  }
  const messages = list.map((item, index) => readMessage(item, source, [...path, index]))
  if (!messages.some(message => message.role === 'user')) {
    throw source.errorAt(
      'the messages have no "user" message; add one with the input to answer',
      source.nodeAt(path)
    )
  }
  return messages
}

function readMessage(item: unknown, source: YamlSource, path: PathSegment[]): ChatMessage {
  const which = `message ${Number(path.at(-1)) + 1}`
  if (!isRecord(item)) {
    throw source.errorAt(
      `${which} must be a mapping with "role" and "content", not ${describeValue(item)}`,
      source.nodeAt(path)
    )
  }
  for (const key of Object.keys(item)) {
    if (key === 'role' || key === 'content') continue
    const hint = didYouMean(key, ['role', 'content']) || '; a message has only "role" and "content"'
    throw source.errorAt(`${which} has an unknown key "${key}"${hint}`, source.keyAt(path, key))
  }
  const { role, content } = item
  if (role === undefined)
    throw source.errorAt(`${which} has no "role"; use system, user or assistant`, source.nodeAt(path))
  const lowered = typeof role === 'string' ? role.toLowerCase() : role
  if (!ROLES.includes(lowered as Role)) {
    const hint = typeof role === 'string' ? didYouMean(role, ROLES) : ''
    throw source.errorAt(
      `the role of ${which} must be system, user or assistant, not ${describeValue(role)}${hint}`,
      source.nodeAt([...path, 'role'])
    )
  }
  if (typeof content !== 'string') {
    throw source.errorAt(
      `the content of ${which} must be text, not ${describeValue(content)}`,
      content === undefined ? source.nodeAt(path) : source.nodeAt([...path, 'content'])
    )
  }
  return { role: lowered as Role, content }
}

interface Settings {
  name?: string
  model?: { value: string; line?: number }
  parameters: ModelParameters
}

type Check = (value: unknown) => string | undefined

const text: Check = value => (typeof value === 'string' ? undefined : 'text')
const nonEmptyText: Check = value =>
  typeof value === 'string' && value.trim() !== '' ? undefined : 'non-empty text'
const numberBetween =
  (min: number, max: number): Check =>
  value =>
    typeof value === 'number' && value >= min && value <= max ? undefined : `a number from ${min} to ${max}`
const positiveInteger: Check = value =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1
    ? undefined
    : 'a whole number of 1 or more'

const CHECKS: Record<Setting, Check> = {
  name: text,
  description: text,
  system: text,
  model: nonEmptyText,
  temperature: numberBetween(0, 2),
  max_tokens: positiveInteger,
  top_p: numberBetween(0, 1)
}

function readSettings(settings: ParsedFile['settings']): Settings {
  if (!settings) return { parameters: {} }
  const { value, source, path } = settings
  for (const [key, item] of Object.entries(value)) {
    if (!(SETTINGS as readonly string[]).includes(key)) {
      const hint = didYouMean(key, SETTINGS) || `; the settings are ${SETTINGS.join(', ')}`
      throw source.errorAt(`"${key}" is not a prompt setting${hint}`, source.keyAt(path, key))
    }
    const expected = CHECKS[key as Setting](item)
    if (expected) {
      throw source.errorAt(
        `"${key}" must be ${expected}, not ${describeValue(item)}`,
        source.nodeAt([...path, key])
      )
    }
  }
  const parameters: ModelParameters = {}
  if (typeof value['temperature'] === 'number') parameters.temperature = value['temperature']
  if (typeof value['max_tokens'] === 'number') parameters.maxTokens = value['max_tokens']
  if (typeof value['top_p'] === 'number') parameters.topP = value['top_p']
  const result: Settings = { parameters }
  if (typeof value['name'] === 'string') result.name = value['name']
  if (typeof value['model'] === 'string') {
    result.model = { value: value['model'].trim(), line: source.lineOf(source.nodeAt([...path, 'model'])) }
  }
  return result
}

/** A `<kind>:<model>` id whose kind promptgate knows; `llama3:8b` is a model name, not an id. */
function kindOf(model: string): string | undefined {
  const kind = model.slice(0, model.indexOf(':'))
  return PROVIDER_KINDS.includes(kind) ? kind : undefined
}

function providerFor(config: ProviderConfig | undefined, settings: Settings, file: string): ProviderRef {
  const model = settings.model?.value
  const origin = { file, ...(settings.model ? { line: settings.model.line } : {}) }
  const configured = config && { id: config.id, baseUrl: config.baseUrl, apiKeyEnv: config.apiKeyEnv }
  if (model === undefined) {
    if (configured) return withoutUndefined({ ...configured, origin })
    throw new UserError(
      'no model: add "model: <kind>:<model>" (e.g. openai:gpt-4o-mini) to the front matter, or a provider to its suite in the config',
      { file, line: 1 }
    )
  }
  const kind = kindOf(model)
  if (kind) {
    // The server and key belong to the configured provider; they carry over only to the same kind.
    const sameKind = configured && kindOf(configured.id) === kind
    return withoutUndefined({ ...(sameKind ? configured : {}), id: model, origin })
  }
  if (!configured) {
    throw new UserError(
      `"model: ${model}" names no provider kind and the suite has no provider; write it as <kind>:<model>, e.g. openai:${model}`,
      { file, line: settings.model?.line }
    )
  }
  const configuredKind = configured.id.slice(0, configured.id.indexOf(':'))
  return withoutUndefined({ ...configured, id: `${configuredKind}:${model}`, origin })
}

function withoutUndefined(ref: ProviderRef): ProviderRef {
  return Object.fromEntries(Object.entries(ref).filter(([, value]) => value !== undefined)) as ProviderRef
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
