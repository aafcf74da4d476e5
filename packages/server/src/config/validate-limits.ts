/** `limits:` — request size and admission limits (see `RequestLimits`); each is optional, at least 1 (queues 0). */

import { type Issues, readMap, readNumber } from './config-fields.js'
import { limitNames, type RequestLimits, zeroAllowed } from './request-limits.js'

export function readLimits(value: unknown, issues: Issues): Partial<RequestLimits> {
  if (value === undefined) return {}
  const fields = readMap(value, 'limits', issues, limitNames)
  if (!fields) return {}
  const limits: Partial<RequestLimits> = {}
  for (const name of limitNames) {
    const limit = readNumber(fields, name, 'limits', issues, {
      min: zeroAllowed.includes(name) ? 0 : 1,
      integer: name !== 'maxAudioSeconds',
    })
    if (limit !== undefined) limits[name] = limit
  }
  return limits
}
