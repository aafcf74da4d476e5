/**
 * `model.json` `feedback`: whether the model's answers wait for feedback, for how long and how many.
 * Off unless a model asks, since the answers kept take memory (about 350 bytes each for small outputs).
 */

export interface FeedbackSettings {
  /** How long an answer waits for its feedback, in milliseconds. */
  windowMs?: number
  /** Most answers of the model waiting at once; the oldest is forgotten first. */
  capacity?: number
}

const whole = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new Error(`feedback.${field} must be a whole number of at least 1`)
  return value
}

/** `true` (the server's window and capacity), `false`, or `{ window_ms, capacity }`. */
export function readFeedbackSettings(config: Record<string, unknown>): FeedbackSettings | undefined {
  const value = config.feedback
  if (value === undefined || value === false) return undefined
  if (value === true) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('feedback must be true, false or an object with window_ms and capacity')
  const { window_ms, capacity, ...rest } = value as Record<string, unknown>
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined)
    throw new Error(`feedback has no field '${unknown}' (it has window_ms, capacity)`)
  return {
    ...(window_ms !== undefined && { windowMs: whole(window_ms, 'window_ms') }),
    ...(capacity !== undefined && { capacity: whole(capacity, 'capacity') }),
  }
}
