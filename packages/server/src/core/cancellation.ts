/**
 * Cancellation for the routing hot path. A web `AbortSignal` is an `EventTarget`: creating one and
 * adding and removing a listener costs several microseconds and garbage per request, which measured
 * about 15 µs per upstream call when undici watched one (see docs/performance.md). A
 * `Cancellation` keeps a plain list of listeners instead, and still hands out a real `AbortSignal`,
 * made on first use, to APIs that insist on one (the web `fetch`).
 */

/** The part of an `AbortSignal` routing and providers use; an `AbortSignal` is one. */
export interface AbortSignalLike {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

export class Cancellation implements AbortSignalLike {
  #aborted = false
  #reason: unknown = undefined
  #listeners: (() => void)[] | undefined
  #controller: AbortController | undefined

  get aborted(): boolean {
    return this.#aborted
  }

  get reason(): unknown {
    return this.#reason
  }

  /** Like `AbortSignal`'s: a listener added after the abort is not called. */
  addEventListener(type: 'abort', listener: () => void): void {
    if (type !== 'abort' || this.#aborted) return
    this.#listeners ??= []
    if (!this.#listeners.includes(listener)) this.#listeners.push(listener)
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    if (type !== 'abort' || !this.#listeners) return
    const index = this.#listeners.indexOf(listener)
    if (index >= 0) this.#listeners.splice(index, 1)
  }

  /** Aborts once; later calls do nothing. Each listener runs once, in the order added. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    const listeners = this.#listeners
    this.#listeners = undefined
    if (listeners) for (const listener of listeners) listener()
  }

  /** A real `AbortSignal` that follows this cancellation. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      const controller = new AbortController()
      this.#controller = controller
      if (this.#aborted) controller.abort(this.#reason)
      else this.addEventListener('abort', () => controller.abort(this.#reason))
    }
    return this.#controller.signal
  }
}

/** A cancellation that aborts when `parent` does, until `release()` unlinks them. */
export function childCancellation(parent: AbortSignalLike): { cancellation: Cancellation; release(): void } {
  const cancellation = new Cancellation()
  const follow = () => cancellation.abort(parent.reason)
  if (parent.aborted) follow()
  else parent.addEventListener('abort', follow, { once: true })
  return { cancellation, release: () => parent.removeEventListener('abort', follow) }
}

/** `like` as a web `AbortSignal`, for APIs that accept nothing else. */
export function toAbortSignal(like: AbortSignalLike): AbortSignal {
  if (like instanceof AbortSignal) return like
  if (like instanceof Cancellation) return like.signal
  return childCancellation(like).cancellation.signal
}
