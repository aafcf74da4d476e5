/** Rule 7's first line of defence: keys, and things that look like keys, never leave in text. */
import { describe, expect, it } from 'vitest'
import { redactingLog, redactSecrets } from '../../src/providers/redact.js'

describe('redactSecrets', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-abc123def456.', [], 'Incorrect API key provided: [redacted].'],
    ['Incorrect API key provided: sk-live-***cdef.', [], 'Incorrect API key provided: [redacted].'],
    ['token hf_AbCdEf0123456789 is invalid', [], 'token [redacted] is invalid'],
    ['header was Bearer abcdefgh12345', [], 'header was [redacted]'],
    ['my key is custom-secret-value!', ['custom-secret-value'], 'my key is [redacted]!'],
    ['short keys are left: abc', ['abc'], 'short keys are left: abc'],
    ['model gpt-4o-mini answered 400', [], 'model gpt-4o-mini answered 400'],
  ])('%s', (text, secrets, want) => {
    expect(redactSecrets(text, secrets)).toBe(want)
  })
})

it('redactingLog removes known secrets from messages and fields', () => {
  const lines: unknown[] = []
  const log = redactingLog(
    { warn: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }) },
    ['custom-secret-value'],
  )
  log.warn('saw custom-secret-value', { nested: { list: ['x custom-secret-value y'] } })
  expect(JSON.stringify(lines)).not.toContain('custom-secret-value')
})
