/** Rule 7's first line of defence: keys, and things that look like keys, never leave in text. */
import { describe, expect, it } from 'vitest'
import { redactingLog, redactSecrets } from '../../src/core/redact.js'

describe('redactSecrets', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-abc123def456.', [], 'Incorrect API key provided: [redacted].'],
    ['Incorrect API key provided: sk-live-***cdef.', [], 'Incorrect API key provided: [redacted].'],
    ['token hf_AbCdEf0123456789 is invalid', [], 'token [redacted] is invalid'],
    ['header was Bearer abcdefgh12345', [], 'header was [redacted]'],
    ['my key is custom-secret-value!', ['custom-secret-value'], 'my key is [redacted]!'],
    ['short keys are left: abc', ['abc'], 'short keys are left: abc'],
    ['model gpt-4o-mini answered 400', [], 'model gpt-4o-mini answered 400'],
    ['upper case: SK-PROJ-ABC123DEF456', [], 'upper case: [redacted]'],
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

describe('variants of a configured key', () => {
  const key = 'custom-key-9Fq2Lx7Vw4Rt1Zp8'
  const b64 = (text: string) => Buffer.from(text).toString('base64')
  it.each([
    ['upper case', `saw ${key.toUpperCase()} there`],
    ['base64', `basic ${b64(key)}`],
    ['base64 after a prefix', `basic ${b64(`user:${key}`)}`],
    ['URL-safe base64', `t=${Buffer.from(`xy${key}`).toString('base64url')}`],
    [
      'JSON-escaped',
      `key ${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}`,
    ],
    ['percent-encoded', `q=${[...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}`],
    ['a piece of 12 characters', `part ${key.slice(4, 16)} only`],
  ])('%s', (_, text) => {
    const out = redactSecrets(text, [key], { keyLike: false })
    expect(out).toContain('[redacted]')
    for (let i = 0; i + 12 <= key.length; i++)
      expect(out.toLowerCase()).not.toContain(key.slice(i, i + 12).toLowerCase())
  })

  it('leaves text with no piece of a key as it was', () => {
    const text = 'custom-key is a phrase; 9Fq2 alone is short'
    expect(redactSecrets(text, [key], { keyLike: false })).toBe(text)
  })
})
