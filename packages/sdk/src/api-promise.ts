/**
 * The promise every non-streaming call returns: it resolves to the data, and `withResponse()` gives the
 * HTTP response beside it (headers such as `x-request-id` and `x-modelport-target`).
 */
import type { WithResponse } from './client.js'

export class ApiPromise<T> extends Promise<T> {
  // `then` on a derived promise must build plain promises: this constructor does not take an executor.
  static override get [Symbol.species]() {
    return Promise
  }

  readonly #raw: Promise<WithResponse<T>>

  constructor(raw: Promise<WithResponse<T>>) {
    super((resolve) => resolve(undefined as T))
    this.#raw = raw
  }

  /** The data and the HTTP response it came in. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#raw
  }

  // biome-ignore lint/suspicious/noThenProperty: this is a Promise; `then` is how `await` reaches the data
  override then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#raw.then((raw) => raw.data).then(onfulfilled, onrejected)
  }
}
