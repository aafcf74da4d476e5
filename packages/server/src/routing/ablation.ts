/**
 * Features of the chat path that the gateway benchmark switches off one at a time, to measure what each
 * costs per request (`pnpm bench --only c`). Read once, when the app and the router are built; nothing
 * is looked up per request. Not a serving setting: with any of these off the routing rules no longer hold.
 */
export const ablatableFeatures = [
  /** `x-request-id`: its middleware, and the id handed to providers and logs. */
  'request-id',
  /** `x-modelport-target` and `x-modelport-attempts` on the answer. */
  'routing-headers',
  /** One deadline per request: its timer and its link to the client's signal. */
  'deadline',
  /** The per-target circuit breakers (every target is always tried). */
  'circuit-breaker',
  /** Fallback and retries: the first target is called directly. */
  'fallback',
  /** The contract's schema check of the request body (it is still parsed, and its lists counted). */
  'validation',
  /** The client's bytes go upstream as sent, and the upstream's answer goes back as sent. */
  'reserialization',
  /** Every `app.use` middleware: the chat route answers before the chain runs. */
  'middleware',
] as const

export type AblatableFeature = (typeof ablatableFeatures)[number]

/** The features switched off; empty when serving. */
export type Ablation = ReadonlySet<AblatableFeature>

export const noAblation: Ablation = new Set()
