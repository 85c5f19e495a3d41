import { inCanary } from './bucket.js'
import { metricLabels } from './labels.js'
import { renderMessages } from './render.js'
import { toSnapshotSource, type SnapshotSource } from './sources.js'
import type {
  ChannelName,
  ChannelPointer,
  GetOptions,
  LoadedPrompt,
  MetricLabels,
  PromptLoader,
  PromptLoaderOptions,
  RegistrySnapshot,
  ShadowOptions,
  ShadowPrompt,
  SnapshotPrompt,
  SourceName
} from './types.js'

interface Current {
  snapshot: RegistrySnapshot
  /** The index in `sources` it came from. */
  from: number
}

const CHANNELS: readonly ChannelName[] = ['latest', 'stable', 'canary']

export function createPromptLoader(options: PromptLoaderOptions): PromptLoader {
  if (!Array.isArray(options?.sources) || options.sources.length === 0) {
    throw new Error('promptgate/runtime: createPromptLoader needs at least one source')
  }
  const sources = options.sources.map(toSnapshotSource)
  const refreshSeconds = options.refreshSeconds ?? 60
  const ttlSeconds = sources.find(source => source.ttlSeconds !== undefined)?.ttlSeconds
  const ttlMs = 1000 * (ttlSeconds ?? (refreshSeconds > 0 ? refreshSeconds : 60))
  const lastKnownGood = sources.findIndex(source => source.save)

  let current: Current | undefined
  let lastAttemptAt = 0
  let inFlight: Promise<void> | undefined

  const report = (error: Error, source: SnapshotSource): void => {
    try {
      options.onError?.(error, source.name)
    } catch {
      // A throwing onError must not break loading.
    }
  }

  /**
   * Tries the sources in order and keeps the first snapshot that loads. Once a snapshot is held, only
   * sources up to the one it came from are tried: a later one is an older fallback, never an upgrade.
   */
  async function load(): Promise<void> {
    lastAttemptAt = Date.now()
    const last = current ? current.from : sources.length - 1
    const failures: string[] = []
    for (let index = 0; index <= last; index++) {
      const source = sources[index]!
      try {
        const { snapshot, text } = await source.load()
        current = { snapshot, from: index }
        if (text !== undefined && index < lastKnownGood) await saveLastKnownGood(text)
        return
      } catch (error) {
        const failure = new Error(`${source.label}: ${(error as Error).message}`)
        failures.push(failure.message)
        report(failure, source)
      }
    }
    if (current) return // keep serving what we have
    throw new Error(`promptgate/runtime: no source gave a snapshot: ${failures.join('; ')}`)
  }

  async function saveLastKnownGood(text: string): Promise<void> {
    const source = sources[lastKnownGood]!
    try {
      await source.save!(text)
    } catch (error) {
      report(new Error(`${source.label}: could not write it: ${(error as Error).message}`), source)
    }
  }

  function refresh(): Promise<void> {
    inFlight ??= load().finally(() => (inFlight = undefined))
    return inFlight
  }

  const first = refresh()
  first.catch(() => {}) // ready() reports it; an unawaited failure must not crash the service
  const timer =
    refreshSeconds > 0 ? setInterval(() => refresh().catch(() => {}), refreshSeconds * 1000) : undefined
  timer?.unref()

  /** The prompt's entry in the snapshot held now; a stale copy starts a background refresh. */
  function entryOf(prompt: string): { entry: SnapshotPrompt; source: SourceName } {
    if (!current) {
      throw new Error(
        `promptgate/runtime: no snapshot loaded yet; await ready() before asking for "${prompt}"`
      )
    }
    if (!inFlight && Date.now() - lastAttemptAt >= ttlMs) refresh().catch(() => {})
    const { snapshot, from } = current
    const source = sources[from]!.name
    const entry = Object.hasOwn(snapshot.prompts, prompt) ? snapshot.prompts[prompt] : undefined
    if (!entry) {
      const known = Object.keys(snapshot.prompts)
      throw new Error(
        `promptgate/runtime: the snapshot (from ${source}) has no prompt "${prompt}"; it has ${known.length ? known.map(id => `"${id}"`).join(', ') : 'none'}`
      )
    }
    return { entry, source }
  }

  function get(prompt: string, getOptions: GetOptions = {}): LoadedPrompt {
    const { entry, source } = entryOf(prompt)
    const channel = chooseChannel(prompt, entry.channels, getOptions)
    if (!entry.channels[channel]) {
      const has = CHANNELS.filter(name => entry.channels[name])
      throw new Error(
        `promptgate/runtime: "${prompt}" has no ${channel} channel in the snapshot (from ${source}); it has ${has.length ? has.join(', ') : 'none'}`
      )
    }
    return answer(prompt, entry, channel, source)
  }

  function shadow(prompt: string, { key }: ShadowOptions = {}): ShadowPrompt | undefined {
    const { entry, source } = entryOf(prompt)
    const { canary, latest, stable } = entry.channels
    const channel = canary ? 'canary' : latest && latest.digest !== stable?.digest ? 'latest' : undefined
    if (!channel) return undefined
    // Running the version this request is served a second time would compare it with itself.
    const served = entry.channels[chooseChannel(prompt, entry.channels, { key })]
    if (served?.digest === entry.channels[channel]!.digest) return undefined
    return answer(prompt, entry, channel, source) as ShadowPrompt
  }

  return {
    ready: () => first,
    get,
    shadow,
    close: () => clearInterval(timer)
  }
}

function answer(
  prompt: string,
  entry: SnapshotPrompt,
  channel: ChannelName,
  source: SourceName
): LoadedPrompt {
  const pointer = entry.channels[channel]!
  const version = entry.versions[pointer.digest]!
  const what = `"${prompt}" v${pointer.version}`
  return {
    prompt,
    version: pointer.version,
    digest: pointer.digest,
    channel,
    source,
    content: version.content,
    labels: labelsOf(prompt, channel, pointer),
    render: (vars = {}) => renderMessages(version.content.messages, vars, what)
  }
}

// A snapshot is frozen and each channel has its own pointer object, so its labels can be built once.
const labelsByPointer = new WeakMap<ChannelPointer, MetricLabels>()

function labelsOf(prompt: string, channel: ChannelName, pointer: ChannelPointer): MetricLabels {
  let labels = labelsByPointer.get(pointer)
  if (!labels) {
    labels = metricLabels({ prompt, digest: pointer.digest, channel, version: pointer.version })
    labelsByPointer.set(pointer, labels)
  }
  return labels
}

function chooseChannel(
  prompt: string,
  channels: SnapshotPrompt['channels'],
  { key, channel }: GetOptions
): ChannelName {
  if (channel !== undefined) {
    if (!CHANNELS.includes(channel)) {
      throw new Error(`promptgate/runtime: unknown channel "${String(channel)}"; use ${CHANNELS.join(', ')}`)
    }
    return channel
  }
  const canary = channels.canary
  if (key === undefined || key === null || !canary) return 'stable'
  return inCanary(prompt, String(key), canary.percent ?? 0) ? 'canary' : 'stable'
}
