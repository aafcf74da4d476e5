/** One stop per signal a person or a supervisor meant, however many wrappers relayed it. */
import { EventEmitter } from 'node:events'
import { expect, it } from 'vitest'
import { onStopSignals, type StopSignal } from '../../src/stop-signals.js'

function setup() {
  const source = new EventEmitter()
  let now = 0
  const seen: string[] = []
  const off = onStopSignals(
    {
      graceful: (s) => seen.push(`graceful ${s}`),
      immediate: (s) => seen.push(`immediate ${s}`),
      repeated: (s) => seen.push(`repeated ${s}`),
    },
    { source: source as unknown as NodeJS.Process, now: () => now },
  )
  return {
    seen,
    off,
    at(ms: number, signal: StopSignal) {
      now = ms
      source.emit(signal, signal)
    },
  }
}

it.each([
  ['one signal', [[0, 'SIGTERM']], ['graceful SIGTERM']],
  [
    'a group signal relayed twice, a few ms apart',
    [
      [0, 'SIGTERM'],
      [3, 'SIGTERM'],
      [7, 'SIGTERM'],
    ],
    ['graceful SIGTERM', 'repeated SIGTERM', 'repeated SIGTERM'],
  ],
  [
    'a second Ctrl-C two seconds later',
    [
      [0, 'SIGINT'],
      [2000, 'SIGINT'],
    ],
    ['graceful SIGINT', 'immediate SIGINT'],
  ],
  [
    'SIGINT, then SIGTERM from a supervisor later',
    [
      [0, 'SIGINT'],
      [1500, 'SIGTERM'],
    ],
    ['graceful SIGINT', 'immediate SIGTERM'],
  ],
] as const)('%s', (_, signals, want) => {
  const { seen, at } = setup()
  for (const [ms, signal] of signals) at(ms, signal)
  expect(seen).toEqual(want)
})

it('stops listening when asked', () => {
  const { seen, at, off } = setup()
  off()
  at(0, 'SIGTERM')
  expect(seen).toEqual([])
})
