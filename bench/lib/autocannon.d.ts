// autocannon ships no types; this covers what the load generator uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Options {
    url: string
    method?: string
    headers?: Record<string, string>
    body?: string | Buffer
    connections?: number
    pipelining?: number
    duration?: number
  }

  interface Instance extends EventEmitter {
    on(
      event: 'response',
      listener: (client: unknown, status: number, bytes: number, ms: number) => void,
    ): this
    on(event: 'reqError', listener: (error: Error) => void): this
  }

  function autocannon(options: Options, done: (error: Error | null, result: unknown) => void): Instance
  export default autocannon
}
