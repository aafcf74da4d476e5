/** `limits:` — request size limits (see `RequestLimits`); each is optional and at least 1. */
import { limitNames, type RequestLimits } from '../limits/request-limits.js'
import { type Issues, readMap, readNumber } from './config-fields.js'

export function readLimits(value: unknown, issues: Issues): Partial<RequestLimits> {
  if (value === undefined) return {}
  const fields = readMap(value, 'limits', issues, limitNames)
  if (!fields) return {}
  const limits: Partial<RequestLimits> = {}
  for (const name of limitNames) {
    const limit = readNumber(fields, name, 'limits', issues, {
      min: 1,
      integer: name !== 'maxAudioSeconds',
    })
    if (limit !== undefined) limits[name] = limit
  }
  return limits
}
