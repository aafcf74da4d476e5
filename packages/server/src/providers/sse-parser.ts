/**
 * Server-sent events, parsed in linear time with a bound on each event. eventsource-parser 3 joins the
 * unfinished line to every new chunk and searches it again from its start (and looks for `\r` to the end
 * of the chunk once per line): a line that never ends costs the square of its length, measured at 7 s of
 * stalls and 1.5 GB. Here each character is looked at once, an unfinished line is kept as pieces, and a
 * line or event longer than `maxEventChars` fails the stream.
 */

export interface ServerSentEvent {
  event?: string
  data: string
  id?: string
}

/** The most characters one event (its lines together) may carry by default: 1 MiB. */
export const MAX_EVENT_CHARS = 1024 * 1024

export class EventTooLargeError extends Error {
  override name = 'EventTooLargeError'
  constructor(readonly maxChars: number) {
    super(`a stream event over ${maxChars} characters`)
  }
}

export class ServerSentEventParser {
  /** The unfinished line, in the pieces it came in. */
  #pieces: string[] = []
  #pieceChars = 0
  #data: string[] = []
  #dataChars = 0
  #event: string | undefined
  #id: string | undefined
  /** The last chunk ended in `\r`: a `\n` opening the next one belongs to it. */
  #afterCR = false

  constructor(
    readonly onEvent: (event: ServerSentEvent) => void,
    readonly maxEventChars: number = MAX_EVENT_CHARS,
  ) {}

  feed(chunk: string): void {
    let start = this.#afterCR && chunk.charCodeAt(0) === 10 ? 1 : 0
    this.#afterCR = false
    let lf = chunk.indexOf('\n', start)
    let cr = chunk.indexOf('\r', start)
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
      this.#line(chunk.slice(start, end))
      start = end + 1
      if (end === cr) {
        if (start === chunk.length) this.#afterCR = true
        else if (chunk.charCodeAt(start) === 10) start++
      }
      // Each search starts past the last: no character is looked at twice.
      if (lf !== -1 && lf < start) lf = chunk.indexOf('\n', start)
      if (cr !== -1 && cr < start) cr = chunk.indexOf('\r', start)
    }
    if (start < chunk.length) {
      const rest = start === 0 ? chunk : chunk.slice(start)
      this.#pieceChars += rest.length
      if (this.#pieceChars + this.#dataChars > this.maxEventChars)
        throw new EventTooLargeError(this.maxEventChars)
      this.#pieces.push(rest)
    }
  }

  #line(tail: string): void {
    let line = tail
    if (this.#pieces.length > 0) {
      this.#pieces.push(tail)
      line = this.#pieces.join('')
      this.#pieces = []
      this.#pieceChars = 0
    }
    if (line === '') {
      this.#dispatch()
      return
    }
    if (line.charCodeAt(0) === 58) return // ':' a comment
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    const value = colon === -1 ? '' : line.slice(colon + (line.charCodeAt(colon + 1) === 32 ? 2 : 1))
    if (field === 'data') {
      this.#dataChars += value.length + 1
      if (this.#dataChars > this.maxEventChars) throw new EventTooLargeError(this.maxEventChars)
      this.#data.push(value)
    } else if (field === 'event') this.#event = value
    else if (field === 'id' && !value.includes('\0')) this.#id = value
    // `retry` and unknown fields change nothing for a reader of one response.
  }

  #dispatch(): void {
    if (this.#data.length > 0) {
      const event: ServerSentEvent = { data: this.#data.join('\n') }
      if (this.#event !== undefined) event.event = this.#event
      if (this.#id !== undefined) event.id = this.#id
      this.onEvent(event)
    }
    this.#data = []
    this.#dataChars = 0
    this.#event = undefined
    // Per event, as eventsource-parser reports it (the spec's last-event-ID only matters on reconnects).
    this.#id = undefined
  }
}
