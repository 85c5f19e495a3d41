import type { ChannelPointer, RegistrySnapshot } from './types.js'

const DIGEST = /^sha256:[0-9a-f]{64}$/
const CHANNELS = new Set(['latest', 'stable', 'canary'])
const ROLES = new Set(['system', 'user', 'assistant'])

/**
 * Parses `snapshot.json` and checks the shape the loader relies on (schema_version 1), including
 * that every channel's version is in the file. Throws one message saying what is wrong, and where;
 * returns the snapshot frozen.
 */
export function parseSnapshot(text: string): RegistrySnapshot {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`)
  }
  if (!isObject(data)) throw new Error('not a JSON object')
  if (data.schema_version !== 1) {
    throw new Error(
      `schema_version is ${JSON.stringify(data.schema_version)}, this loader reads 1: update promptgate/runtime`
    )
  }
  if (typeof data.generated_at !== 'string') throw new Error('generated_at is not a string')
  if (!isObject(data.prompts)) throw new Error('prompts is not an object')
  for (const [id, prompt] of Object.entries(data.prompts)) checkPrompt(id, prompt)
  return deepFreeze(data) as unknown as RegistrySnapshot
}

/** Every `get` hands out parts of the one snapshot; a caller's edit must not change the next answer. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze)
    Object.freeze(value)
  }
  return value
}

function checkPrompt(id: string, prompt: unknown): void {
  const where = `prompts["${id}"]`
  if (!isObject(prompt)) throw new Error(`${where} is not an object`)
  if (!isObject(prompt.channels)) throw new Error(`${where}.channels is not an object`)
  if (!isObject(prompt.versions)) throw new Error(`${where}.versions is not an object`)
  for (const [digest, version] of Object.entries(prompt.versions)) {
    checkVersion(`${where}.versions["${digest}"]`, digest, version)
  }
  const pointers = Object.entries(prompt.channels)
  if (prompt.previous_stable !== undefined) pointers.push(['previous_stable', prompt.previous_stable])
  for (const [channel, pointer] of pointers) {
    const at = `${where}.channels.${channel}`
    if (channel !== 'previous_stable' && !CHANNELS.has(channel)) throw new Error(`${at} is not a channel`)
    checkPointer(at, pointer, channel === 'canary')
    const version = prompt.versions[pointer.digest]
    if (!isObject(version) || version.version !== pointer.version) {
      throw new Error(`${at} points at v${pointer.version} (${pointer.digest}), which versions does not hold`)
    }
  }
}

function checkPointer(at: string, pointer: unknown, isCanary: boolean): asserts pointer is ChannelPointer {
  if (!isObject(pointer)) throw new Error(`${at} is not an object`)
  if (!isVersionNumber(pointer.version)) throw new Error(`${at}.version is not a version number`)
  if (typeof pointer.digest !== 'string' || !DIGEST.test(pointer.digest)) {
    throw new Error(`${at}.digest is not a sha256: digest`)
  }
  if (isCanary) {
    const percent = pointer.percent
    if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100)) {
      throw new Error(`${at}.percent is not a number from 0 to 100`)
    }
  }
}

function checkVersion(at: string, digest: string, version: unknown): void {
  if (!DIGEST.test(digest)) throw new Error(`${at}: the key is not a sha256: digest`)
  if (!isObject(version)) throw new Error(`${at} is not an object`)
  if (!isVersionNumber(version.version)) throw new Error(`${at}.version is not a version number`)
  const content = version.content
  if (!isObject(content)) throw new Error(`${at}.content is not an object`)
  if (typeof content.model !== 'string') throw new Error(`${at}.content.model is not a string`)
  if (!isObject(content.model_parameters)) throw new Error(`${at}.content.model_parameters is not an object`)
  const messages = content.messages
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new Error(`${at}.content.messages is not a non-empty list`)
  }
  messages.forEach((message: unknown, index) => {
    if (!isObject(message) || !ROLES.has(message.role as string) || typeof message.content !== 'string') {
      throw new Error(`${at}.content.messages[${index}] is not a {role, content} message`)
    }
  })
}

function isVersionNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
