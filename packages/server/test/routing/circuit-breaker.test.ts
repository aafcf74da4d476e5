/** Consecutive failures open a target's circuit for a cooldown; one half-open probe decides. */
import { describe, expect, it } from 'vitest'
import type { Clock } from '../../src/core/clock.js'
import type { CircuitState } from '../../src/core/metrics.js'
import { CircuitBreaker } from '../../src/routing/circuit-breaker.js'

function manualClock() {
  let now = 0
  const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} }
  return { clock, advance: (ms: number) => (now += ms) }
}

function breaker() {
  const { clock, advance } = manualClock()
  const changes: CircuitState[] = []
  const circuit = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1000,
    clock,
    onStateChange: (state) => changes.push(state),
  })
  return { circuit, advance, changes }
}

describe('circuit breaker', () => {
  it('stays closed below the threshold, and a success resets the count', () => {
    const { circuit } = breaker()
    circuit.recordFailure()
    circuit.recordFailure()
    circuit.recordSuccess()
    circuit.recordFailure()
    circuit.recordFailure()
    expect(circuit.state).toBe('closed')
    expect(circuit.tryAcquire()).toBe(true)
  })

  it('opens after consecutive failures and refuses calls for the cooldown', () => {
    const { circuit, advance } = breaker()
    for (let i = 0; i < 3; i++) circuit.recordFailure()
    expect(circuit.state).toBe('open')
    expect(circuit.tryAcquire()).toBe(false)
    advance(600)
    expect(circuit.snapshot()).toEqual({ state: 'open', consecutiveFailures: 3, retryInMs: 400 })
  })

  it('half-opens after the cooldown and lets exactly one probe through', () => {
    const { circuit, advance } = breaker()
    for (let i = 0; i < 3; i++) circuit.recordFailure()
    advance(1000)
    expect(circuit.state).toBe('half-open')
    expect(circuit.tryAcquire()).toBe(true)
    expect(circuit.tryAcquire()).toBe(false)
  })

  it.each([
    ['a successful probe closes it', (c: CircuitBreaker) => c.recordSuccess(), 'closed', true],
    [
      'a failed probe opens it again for a full cooldown',
      (c: CircuitBreaker) => c.recordFailure(),
      'open',
      false,
    ],
    ['a probe with no verdict gives the probe back', (c: CircuitBreaker) => c.release(), 'half-open', true],
  ] as const)('%s', (_name, outcome, state, acquires) => {
    const { circuit, advance } = breaker()
    for (let i = 0; i < 3; i++) circuit.recordFailure()
    advance(1000)
    circuit.tryAcquire()
    outcome(circuit)
    expect(circuit.state).toBe(state)
    expect(circuit.tryAcquire()).toBe(acquires)
  })

  it('reports each state change once, for metrics', () => {
    const { circuit, advance, changes } = breaker()
    for (let i = 0; i < 4; i++) circuit.recordFailure()
    advance(1000)
    circuit.tryAcquire()
    circuit.recordSuccess()
    expect(changes).toEqual(['open', 'half-open', 'closed'])
  })
})
