/** One deadline per request, and weighted order that still falls back. */
import { describe, expect, it } from 'vitest'
import { DeadlineExceededError, startDeadline } from '../../src/routing/deadline.js'
import { weightedOrder } from '../../src/routing/load-balance.js'
import { countingClock } from '../support/counting-clock.js'

describe('deadline', () => {
  it('aborts with DeadlineExceededError when the time is up', async () => {
    const deadline = startDeadline(30)
    await new Promise<void>((done) => deadline.signal.addEventListener('abort', () => done()))
    expect(deadline.signal.reason).toBeInstanceOf(DeadlineExceededError)
    expect(deadline.expired()).toBe(true)
    expect(deadline.remainingMs()).toBe(0)
    deadline.dispose()
  })

  it('follows the client: a disconnect aborts with its reason, not as an expiry', () => {
    const client = new AbortController()
    const { clock, liveTimers } = countingClock()
    const deadline = startDeadline(10_000, { parent: client.signal, clock })
    client.abort('client gone')
    expect(deadline.signal.reason).toBe('client gone')
    expect(deadline.expired()).toBe(false)
    expect(liveTimers()).toBe(0)
  })

  it('leaves no timer behind once disposed', () => {
    const { clock, liveTimers } = countingClock()
    const deadline = startDeadline(10_000, { parent: new AbortController().signal, clock })
    expect(liveTimers()).toBe(1)
    deadline.dispose()
    expect(liveTimers()).toBe(0)
    expect(deadline.signal.aborted).toBe(false)
  })
})

describe('weighted order', () => {
  const targets = [
    { key: 'a', weight: 3 },
    { key: 'b', weight: 1 },
    { key: 'zero', weight: 0 },
  ]

  it('puts each target first in proportion to its weight', () => {
    const firsts = { a: 0, b: 0 }
    for (let i = 0; i < 400; i++) {
      const first = weightedOrder(targets, () => (i + 0.5) / 400)[0]?.key as 'a' | 'b'
      firsts[first]++
    }
    expect(firsts).toEqual({ a: 300, b: 100 })
  })

  it.each([
    [0, ['a', 'b', 'zero']],
    [0.8, ['b', 'a', 'zero']],
  ])('with random %f orders %j: every target stays, zero weight last', (random, want) => {
    expect(weightedOrder(targets, () => random).map((target) => target.key)).toEqual(want)
  })
})
