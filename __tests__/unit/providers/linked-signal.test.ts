import { describe, expect, it } from '@jest/globals'
import { linkedSignal } from '../../../src/providers/linked-signal.js'

describe('linkedSignal', () => {
  it('aborts when any source aborts', () => {
    const a = new AbortController()
    const b = new AbortController()
    const linked = linkedSignal([a.signal, undefined, b.signal])
    expect(linked.signal.aborted).toBe(false)
    b.abort()
    expect(linked.signal.aborted).toBe(true)
  })

  it('starts aborted when a source already is', () => {
    const a = new AbortController()
    a.abort()
    expect(linkedSignal([a.signal]).signal.aborted).toBe(true)
  })

  it('no longer follows its sources once disposed', () => {
    const a = new AbortController()
    const linked = linkedSignal([a.signal])
    linked.dispose()
    a.abort()
    expect(linked.signal.aborted).toBe(false)
  })
})
