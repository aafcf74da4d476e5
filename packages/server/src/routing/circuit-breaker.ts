/**
 * A circuit breaker per target. `failureThreshold` consecutive retryable failures open it for
 * `cooldownMs`; then it is half-open and lets exactly one probe through: success closes it, failure
 * opens it again. State is readable at any time (for metrics) and changes are reported.
 */
import { type Clock, systemClock } from '../core/clock.js'
import type { CircuitState } from '../core/metrics.js'

export interface CircuitBreakerOptions {
  failureThreshold: number
  cooldownMs: number
  clock?: Clock
  onStateChange?(state: CircuitState): void
}

export interface CircuitSnapshot {
  state: CircuitState
  consecutiveFailures: number
  /** Milliseconds until an open circuit lets a probe through (0 unless open). */
  retryInMs: number
}

export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions
  readonly #clock: Clock
  #failures = 0
  #openUntil = 0
  #open = false
  #probing = false
  #lastState: CircuitState = 'closed'

  constructor(options: CircuitBreakerOptions) {
    this.#options = options
    this.#clock = options.clock ?? systemClock
  }

  get state(): CircuitState {
    if (!this.#open) return 'closed'
    return this.#clock.now() >= this.#openUntil ? 'half-open' : 'open'
  }

  /** Whether a call may go through now; in half-open state only the first caller gets the probe. */
  tryAcquire(): boolean {
    const state = this.state
    if (state === 'closed') return true
    if (state === 'open' || this.#probing) return false
    this.#probing = true
    this.#report()
    return true
  }

  /** The upstream answered (even with a client error): it is alive. */
  recordSuccess(): void {
    this.#failures = 0
    this.#open = false
    this.#probing = false
    this.#report()
  }

  recordFailure(): void {
    this.#failures++
    if (this.#probing || this.#failures >= this.#options.failureThreshold) {
      this.#open = true
      this.#openUntil = this.#clock.now() + this.#options.cooldownMs
    }
    this.#probing = false
    this.#report()
  }

  /** The call ended with no verdict (the client left): give the probe back. */
  release(): void {
    this.#probing = false
  }

  snapshot(): CircuitSnapshot {
    const state = this.state
    return {
      state,
      consecutiveFailures: this.#failures,
      retryInMs: state === 'open' ? this.#openUntil - this.#clock.now() : 0,
    }
  }

  #report(): void {
    const state = this.state
    if (state !== this.#lastState) {
      this.#lastState = state
      this.#options.onStateChange?.(state)
    }
  }
}

/** One breaker per target key (`<provider>/<model>`), created on first use. */
export class CircuitBreakers {
  readonly #breakers = new Map<string, CircuitBreaker>()
  constructor(
    readonly options: Omit<CircuitBreakerOptions, 'onStateChange'> & {
      onStateChange?(target: string, state: CircuitState): void
    },
  ) {}

  get(target: string): CircuitBreaker {
    let breaker = this.#breakers.get(target)
    if (!breaker) {
      breaker = new CircuitBreaker({
        ...this.options,
        onStateChange: (state) => this.options.onStateChange?.(target, state),
      })
      this.#breakers.set(target, breaker)
    }
    return breaker
  }

  snapshot(): Array<CircuitSnapshot & { target: string }> {
    return [...this.#breakers].map(([target, breaker]) => ({ target, ...breaker.snapshot() }))
  }
}
