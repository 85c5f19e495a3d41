import { UserError } from '../errors.js'
import { didYouMean } from '../prompts/did-you-mean.js'
import type { PromptHistory, RegisteredVersion, RegistryHistory } from './state.js'

/** `prompts/triage.prompt.yml` → `triage`: the short name a comment may use. */
export function promptStem(id: string): string {
  const file = id.split('/').at(-1) ?? id
  return file.replace(/\.prompt\.ya?ml$/, '').replace(/\.[^.]+$/, '')
}

/** A prompt by its repository path, or by its `name` or file stem when exactly one prompt has it. */
export function resolvePrompt(histories: RegistryHistory, wanted: string, where: string): PromptHistory {
  const exact = histories.get(wanted)
  if (exact) return exact
  const byName = [...histories.values()].filter(history => {
    const name = history.versions.at(-1)?.name
    return name === wanted || promptStem(history.prompt) === wanted
  })
  if (byName.length === 1 && byName[0]) return byName[0]
  const ids = [...histories.keys()].sort()
  if (byName.length > 1) {
    throw new UserError(
      `"${wanted}" names ${byName.length} prompts on ${where} (${byName.map(history => history.prompt).join(', ')}); use the repository path.`
    )
  }
  if (ids.length === 0) {
    throw new UserError(
      `${where} has no registered prompt yet. Register one first: merge a prompt change with the input registry: true, or run "promptgate registry register".`
    )
  }
  throw new UserError(
    `"${wanted}" is not a registered prompt on ${where}${didYouMean(wanted, ids)}; registered: ${ids.join(', ')}.`
  )
}

/** A version by number or digest (whole, or a hex prefix of 7 or more). */
export function resolveVersion(
  history: PromptHistory,
  selector: { version?: number; digest?: string }
): RegisteredVersion {
  const { versions, prompt } = history
  const range = versions.length === 1 ? 'only v1' : `v1 to v${versions.length}`
  if (selector.version !== undefined) {
    const found = versions[selector.version - 1]
    if (!found || !Number.isInteger(selector.version)) {
      throw new UserError(`${prompt} has no version ${selector.version}; it has ${range}.`)
    }
    return found
  }
  if (selector.digest !== undefined) {
    const hex = selector.digest.replace(/^sha256:/, '').toLowerCase()
    const matches = hex.length >= 7 ? versions.filter(version => version.digest.slice(7).startsWith(hex)) : []
    if (matches.length === 1 && matches[0]) return matches[0]
    throw new UserError(
      matches.length > 1
        ? `${selector.digest} matches ${matches.length} versions of ${prompt}; give more of the digest.`
        : `${prompt} has no version with digest ${selector.digest} (give at least 7 hex digits); it has ${range}.`
    )
  }
  const latest = versions.at(-1)
  if (!latest) throw new UserError(`${prompt} has no registered version.`)
  return latest
}

/** `v3 (sha256:1a2b3c4d)`: how a version is named in messages and events. */
export function describeVersion(version: { version: number; digest: string }): string {
  return `v${version.version} (${version.digest.slice(0, 15)})`
}
