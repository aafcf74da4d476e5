/**
 * The answers still waiting for feedback, by request id, in bounded memory: each is forgotten once
 * `windowMs` has passed, once feedback for it came, or once `capacity` newer answers came after it.
 * Arrival order lives in a ring of ids beside the map: a V8 `Map` whose oldest entries are deleted over
 * and over scans the holes they leave on every walk from its start (measured: 1e6 answers took minutes).
 */

/** What was answered: enough to score a label or a value against, and no more than `maxElements`. */
export interface PendingAnswer {
  model: string
  version: string
  /** When it was answered, in milliseconds. */
  at: number
  /** The first output's elements; undefined when it had more than the limit (scores only, then). */
  elements: number[] | undefined
  /** Rows the elements divide into (the batch size), and whether they are class indices already. */
  rows: number
  integer: boolean
  /** The shadow version's answer to the same request, when one ran: feedback scores it too. */
  shadow?: PendingAnswer
}

export interface PendingOptions {
  windowMs: number
  capacity: number
}

interface Waiting {
  answer: PendingAnswer
  /** Its place in arrival order: a ring slot whose number differs belongs to an older answer of the id. */
  order: number
}

export class PendingAnswers {
  readonly #waiting = new Map<string, Waiting>()
  readonly windowMs: number
  readonly capacity: number
  /** Arrival order: ids and their order numbers, oldest at `#head`. */
  readonly #ring: (string | undefined)[]
  readonly #orders: Float64Array
  #head = 0
  #size = 0
  #next = 0
  /** Answers forgotten without feedback, because of their age or the capacity. */
  expired = 0

  constructor(options: PendingOptions) {
    this.windowMs = options.windowMs
    this.capacity = options.capacity
    this.#ring = new Array(options.capacity)
    this.#orders = new Float64Array(options.capacity)
  }

  get size(): number {
    return this.#waiting.size
  }

  /** Keeps an answer; a reused id replaces the older answer. */
  add(id: string, answer: PendingAnswer): void {
    this.sweep(answer.at)
    if (this.#size === this.#ring.length) this.#dropOldest()
    const order = this.#next++
    this.#waiting.set(id, { answer, order })
    const slot = (this.#head + this.#size) % this.#ring.length
    this.#ring[slot] = id
    this.#orders[slot] = order
    this.#size++
  }

  /** The answer waiting under `id`, if it is still in the window. */
  get(id: string, now: number): PendingAnswer | undefined {
    this.sweep(now)
    return this.#waiting.get(id)?.answer
  }

  /** Forgets an answer once its feedback is in: feedback is given once per request. */
  delete(id: string): void {
    this.#waiting.delete(id)
  }

  /** Forgets the answers older than the window. */
  sweep(now: number): void {
    const oldest = now - this.windowMs
    while (this.#size > 0) {
      const waiting = this.#waiting.get(this.#ring[this.#head] as string)
      const current = waiting?.order === this.#orders[this.#head]
      if (current && (waiting as Waiting).answer.at >= oldest) return
      this.#dropOldest()
    }
  }

  /** Takes the oldest slot off the ring, forgetting its answer unless it was replaced or had feedback. */
  #dropOldest(): void {
    const id = this.#ring[this.#head] as string
    const waiting = this.#waiting.get(id)
    if (waiting?.order === this.#orders[this.#head]) {
      this.#waiting.delete(id)
      this.expired++
    }
    this.#ring[this.#head] = undefined
    this.#head = (this.#head + 1) % this.#ring.length
    this.#size--
  }
}
