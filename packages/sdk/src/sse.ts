/**
 * A server-sent events parser for what this API sends: `event` and `data` fields, events ended by a
 * blank line, any of the three line endings, comments. (`id` and `retry` are for reconnecting
 * `EventSource`s and are ignored.)
 */

export interface ServerSentEvent {
  /** The `event` field; empty for a plain message. */
  event: string
  /** The `data` lines, joined by newlines. */
  data: string
}

/**
 * Returns a function to feed decoded text to, in chunks cut anywhere, with `last` set at the end of the
 * stream; it calls `onEvent` per complete event.
 */
export function createEventParser(
  onEvent: (event: ServerSentEvent) => void,
): (text: string, last?: boolean) => void {
  let rest = ''
  let event = ''
  let data: string[] = []
  return (text, last) => {
    const input = rest + text
    // A chunk ending in CR may be half of a CRLF: keep it until the next chunk says.
    const end = input.endsWith('\r') && !last ? input.length - 1 : input.length
    const lines = input.slice(0, end).split(/\r\n|\r|\n/)
    rest = (lines.pop() as string) + input.slice(end)
    for (const line of lines) {
      if (!line) {
        if (data.length) onEvent({ event, data: data.join('\n') })
        event = ''
        data = []
        continue
      }
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1)
      if (field === 'data') data.push(value)
      else if (field === 'event') event = value
    }
  }
}
