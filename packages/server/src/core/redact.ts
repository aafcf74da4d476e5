/**
 * Keeps provider keys out of messages and logs. Upstreams echo keys back (OpenAI's 401 names a masked key,
 * others the whole header), so every upstream text passes through here before it reaches an error, a
 * response or a log line; the `SecretScanner` finds configured keys in their variant forms too.
 */

import type { LogMethod } from './log.js'
import { REDACTED, SecretScanner } from './secret-scanner.js'

// Key-like tokens (OpenAI, Anthropic, Groq, Hugging Face, xAI, … prefixes, masked echoes such as
// `sk-ab***yz`) and bearer credentials.
const keyLike =
  /\b(?:sk|pk|rk|gsk|hf|xai|csk|nvapi)[-_][A-Za-z0-9_*.-]{5,}[A-Za-z0-9_*]|\bBearer\s+[A-Za-z0-9_*.~+/=-]{6,}/gi

/** One scanner per list of secrets: building one cuts every window of every key. */
const scanners = new WeakMap<readonly string[], SecretScanner>()

function scannerOf(secrets: readonly string[]): SecretScanner {
  const known = scanners.get(secrets)
  if (known) return known
  const scanner = new SecretScanner(secrets)
  scanners.set(secrets, scanner)
  return scanner
}

/**
 * Replaces every known secret (in any of its variant forms) with `[redacted]`; with `keyLike` (the
 * default, for upstream text) also anything that looks like an API key.
 */
export function redactSecrets(
  text: string,
  secrets: readonly string[] = [],
  options = { keyLike: true },
): string {
  const out = secrets.length > 0 ? scannerOf(secrets).redact(text) : text
  return options.keyLike ? out.replace(keyLike, REDACTED) : out
}

const plainText = { keyLike: false }

/**
 * Redacts known secrets inside a JSON-like value (structured log fields). Values holding none come back
 * as they were, uncopied: most log lines carry no secret, and every request writes one.
 */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets, plainText)
  if (Array.isArray(value)) {
    const items = value.map((item) => redactValue(item, secrets))
    return items.some((item, index) => item !== value[index]) ? items : value
  }
  if (value && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key]
      const redacted = redactValue(item, secrets)
      if (redacted !== item) {
        copy ??= { ...value }
        copy[key] = redacted
      }
    }
    return copy ?? value
  }
  return value
}

/** Wraps a logger so no line it writes can carry one of `secrets`, in any of their variant forms. */
export function redactingLog<L extends { [K in keyof L]: LogMethod }>(log: L, secrets: readonly string[]): L {
  if (secrets.length === 0) return log
  const kept = [...secrets]
  const wrapped = {} as L
  for (const key of Object.keys(log) as (keyof L)[]) {
    const method = log[key]
    wrapped[key] = ((message: string, fields?: Record<string, unknown>) =>
      method.call(
        log,
        redactSecrets(message, kept, plainText),
        fields && (redactValue(fields, kept) as Record<string, unknown>),
      )) as L[keyof L]
  }
  return wrapped
}
