/** `model.json` `rollout` and the rollout API's body: what is accepted, and the message for what is not. */
import { describe, expect, it } from 'vitest'
import { parseRolloutSettings } from '../../src/rollout/rollout-settings.js'

describe('parseRolloutSettings', () => {
  it.each([
    [
      'a canary with a stable version, numbers or strings',
      { stable: 1, canary: { version: '02', weight: 0.1 } },
      { stable: '1', canary: { version: '2', weight: 0.1 } },
    ],
    ['a shadow alone', { shadow: { version: 3, share: 0.5 } }, { shadow: { version: '3', share: 0.5 } }],
    [
      'rollback thresholds, min_requests defaulting to 20',
      { rollback: { window_ms: 1000, max_error_rate: 0.05 } },
      { rollback: { windowMs: 1000, maxErrorRate: 0.05, minRequests: 20 } },
    ],
  ])('accepts %s', (_, given, want) => {
    expect(parseRolloutSettings(given)).toEqual(want)
  })

  it.each([
    [
      'a weight over 1',
      { canary: { version: 2, weight: 1.5 } },
      'rollout.canary.weight must be a number from 0 to 1',
    ],
    ['a version that is no number', { stable: 'latest' }, 'rollout.stable must be a version number'],
    ['an unknown field', { canry: {} }, "rollout has no field 'canry'"],
    [
      'a canary that is the stable version',
      { stable: 2, canary: { version: 2, weight: 0.1 } },
      'is the stable',
    ],
    [
      'rollback without a threshold',
      { rollback: { window_ms: 1000 } },
      'needs max_error_rate, max_p99_ms or both',
    ],
    [
      'a window of 0',
      { rollback: { window_ms: 0, max_p99_ms: 5 } },
      'window_ms must be a whole number above 0',
    ],
  ])('refuses %s', (_, given, message) => {
    expect(() => parseRolloutSettings(given)).toThrow(message)
  })
})
