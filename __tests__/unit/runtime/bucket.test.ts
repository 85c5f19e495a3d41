import { describe, expect, it } from '@jest/globals'
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core'
import { bucketOf, canaryWeight, inCanary, TOTAL_WEIGHT } from '../../../src/runtime/bucket.js'
import { murmur3 } from '../../../src/runtime/murmur3.js'
import { digestOf, TRIAGE } from '../../helpers/registry-snapshot.js'

const KEYS = Array.from({ length: 100_000 }, (_, i) => `user-${i}`)
const PERCENTS = [1, 5, 10, 25, 50]
const STABLE = digestOf('stable')
const CANARY = digestOf('canary')

/** A flag file exactly as the contract in the README describes the registry's `flags.flagd.json`. */
function flagFile(percent: number | null): string {
  const weight = percent === null ? 0 : canaryWeight(percent)
  return JSON.stringify({
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    flags: {
      [TRIAGE]: {
        state: 'ENABLED',
        variants: { [STABLE]: STABLE, [CANARY]: CANARY },
        defaultVariant: STABLE,
        ...(percent === null
          ? {}
          : {
              targeting: {
                fractional: [
                  [CANARY, weight],
                  [STABLE, TOTAL_WEIGHT - weight]
                ]
              }
            })
      }
    }
  })
}

const silent = { debug() {}, info() {}, warn() {}, error() {} }

/** flagd-core with the file loaded in strict validation mode: an invalid file throws. */
function flagd(file: string): FlagdCore {
  const storage = new MemoryStorage(silent)
  storage.setConfigurations(file, true)
  return new FlagdCore(storage, silent)
}

describe('murmur3', () => {
  it('gives the reference values of MurmurHash3 x86 32-bit, seed 0', () => {
    const hash = (text: string): number => murmur3(new TextEncoder().encode(text))
    expect(hash('')).toBe(0)
    expect(hash('a')).toBe(0x3c2569b2)
    expect(hash('abc')).toBe(0xb3dd93fa)
    expect(hash('hello')).toBe(0x248bfa47)
    expect(hash('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723)
    expect(murmur3(new TextEncoder().encode(''), 1)).toBe(0x514e28b7)
  })
})

describe('bucketing', () => {
  it.each(PERCENTS)('sends %p%% of 100,000 keys to the canary, within half a point', percent => {
    const share = KEYS.filter(key => inCanary(TRIAGE, key, percent)).length / KEYS.length
    expect(Math.abs(share * 100 - percent)).toBeLessThan(0.5)
  })

  it('is sticky: the same key lands on the same side every time', () => {
    const first = KEYS.map(key => inCanary(TRIAGE, key, 25))
    const again = KEYS.map(key => inCanary(TRIAGE, key, 25))
    expect(again).toEqual(first)
    expect(first.filter(Boolean).length).toBeGreaterThan(0)
  })

  it('is monotone: raising the percent only moves keys to the canary', () => {
    const steps = [0, ...PERCENTS, 100]
    const sides = steps.map(percent => KEYS.map(key => inCanary(TRIAGE, key, percent)))
    let cameBack = 0
    for (let step = 1; step < steps.length; step++) {
      KEYS.forEach((_, i) => {
        if (sides[step - 1]![i] && !sides[step]![i]) cameBack += 1
      })
    }
    expect(cameBack).toBe(0)
    expect(sides[0]!.filter(Boolean)).toHaveLength(0)
    expect(sides[steps.length - 1]!.filter(Boolean)).toHaveLength(KEYS.length)
  })

  it('depends on the prompt: two prompts split the same keys differently', () => {
    const a = KEYS.slice(0, 10_000).map(key => inCanary(TRIAGE, key, 50))
    const b = KEYS.slice(0, 10_000).map(key => inCanary('prompts/other.prompt.yml', key, 50))
    expect(a).not.toEqual(b)
  })

  it('keeps buckets inside [0, 10000)', () => {
    const buckets = KEYS.map(key => bucketOf(TRIAGE, key))
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...buckets)).toBeLessThan(TOTAL_WEIGHT)
    expect(Math.max(...buckets)).toBeGreaterThan(TOTAL_WEIGHT - 10)
  })
})

describe('agreement with flagd (@openfeature/flagd-core)', () => {
  it('accepts the flag file in strict validation mode, and rejects a broken one', () => {
    expect(() => flagd(flagFile(5))).not.toThrow()
    expect(() => flagd(flagFile(null))).not.toThrow()
    const broken = JSON.parse(flagFile(5))
    broken.flags[TRIAGE].state = 'ON'
    expect(() => flagd(JSON.stringify(broken))).toThrow()
  })

  it.each(PERCENTS)('chooses the same variant as flagd for each of 100,000 keys at %p%%', percent => {
    const core = flagd(flagFile(percent))
    const disagreements = KEYS.filter(key => {
      const flagdSays = core.resolveStringEvaluation(TRIAGE, 'none', { targetingKey: key }).value
      const oursSays = inCanary(TRIAGE, key, percent) ? CANARY : STABLE
      return flagdSays !== oursSays
    })
    expect(disagreements).toEqual([])
  })

  it('agrees on numeric keys given as String(key), fractional percents, and a key-less request', () => {
    const core = flagd(flagFile(12.5))
    for (let id = 0; id < 5000; id++) {
      const flagdSays = core.resolveStringEvaluation(TRIAGE, 'none', { targetingKey: String(id) }).value
      expect(inCanary(TRIAGE, String(id), 12.5) ? CANARY : STABLE).toBe(flagdSays)
    }
    expect(core.resolveStringEvaluation(TRIAGE, 'none', { targetingKey: '' }).value).toBe(STABLE)
    expect(inCanary(TRIAGE, '', 12.5)).toBe(false)
  })

  it('without a canary, flagd serves the stable digest as the default variant', () => {
    const core = flagd(flagFile(null))
    expect(core.resolveStringEvaluation(TRIAGE, 'none', { targetingKey: 'user-1' }).value).toBe(STABLE)
  })

  it('hashes UTF-8 bytes, where flagd-core (JS) hashes UTF-16 code units: non-ASCII keys may differ', () => {
    // The difference the README documents; flagd's Go server and the other providers hash UTF-8.
    const core = flagd(flagFile(50))
    const keys = Array.from({ length: 1000 }, (_, i) => `üsér-${i}-日本`)
    const differ = keys.filter(key => {
      const flagdSays = core.resolveStringEvaluation(TRIAGE, 'none', { targetingKey: key }).value
      return flagdSays !== (inCanary(TRIAGE, key, 50) ? CANARY : STABLE)
    })
    expect(differ.length).toBeGreaterThan(0)
  })
})
