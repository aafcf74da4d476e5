/**
 * Stop strings over streamed text: text is released only once no stop string can begin in it, so a
 * stop string that spans token boundaries is found and nothing of it reaches the client.
 */
export class StopMatcher {
  readonly #stops: string[]
  #held = ''

  constructor(stops: string[]) {
    this.#stops = stops
  }

  /** Adds text; returns what may be released, and whether a stop string ended the text. */
  push(text: string): { release: string; stopped: boolean } {
    const buffer = this.#held + text
    let first = -1
    for (const stop of this.#stops) {
      const at = buffer.indexOf(stop)
      if (at >= 0 && (first < 0 || at < first)) first = at
    }
    if (first >= 0) {
      this.#held = ''
      return { release: buffer.slice(0, first), stopped: true }
    }
    const keep = this.#longestPartialStop(buffer)
    this.#held = buffer.slice(buffer.length - keep)
    return { release: buffer.slice(0, buffer.length - keep), stopped: false }
  }

  /** What is held back at the end, when no more text comes. */
  flush(): string {
    const rest = this.#held
    this.#held = ''
    return rest
  }

  /** Length of the longest end of `buffer` that a stop string starts with. */
  #longestPartialStop(buffer: string): number {
    let longest = 0
    for (const stop of this.#stops) {
      for (let length = Math.min(stop.length - 1, buffer.length); length > longest; length--) {
        if (buffer.endsWith(stop.slice(0, length))) {
          longest = length
          break
        }
      }
    }
    return longest
  }
}
