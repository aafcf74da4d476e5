/**
 * Keeps provider keys out of messages. Upstreams echo keys back (OpenAI's 401 names a masked key), so
 * every upstream text passes through here before it reaches an error, a response or a log line.
 */

const REDACTED = '[redacted]'

// Key-like tokens (OpenAI, Anthropic, Groq, Hugging Face, xAI, … prefixes, masked echoes such as
// `sk-ab***yz`) and bearer credentials.
const keyLike =
  /\b(?:sk|pk|rk|gsk|hf|xai|csk|nvapi)[-_][A-Za-z0-9_*.-]{5,}[A-Za-z0-9_*]|\bBearer\s+[A-Za-z0-9_*.~+/=-]{6,}/g

/**
 * Replaces every known secret with `[redacted]`; with `keyLike` (the default, for upstream text) also
 * anything that looks like an API key.
 */
export function redactSecrets(
  text: string,
  secrets: readonly string[] = [],
  options = { keyLike: true },
): string {
  let out = text
  for (const secret of secrets) {
    // Short values would redact ordinary words; real keys are long.
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
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

type LogMethod = (message: string, fields?: Record<string, unknown>) => void

/** Wraps a logger so no line it writes can carry one of `secrets`. */
export function redactingLog<L extends { [K in keyof L]: LogMethod }>(log: L, secrets: readonly string[]): L {
  if (secrets.length === 0) return log
  const wrapped = {} as L
  for (const key of Object.keys(log) as (keyof L)[]) {
    const method = log[key]
    wrapped[key] = ((message: string, fields?: Record<string, unknown>) =>
      method.call(
        log,
        redactSecrets(message, secrets, plainText),
        fields && (redactValue(fields, secrets) as Record<string, unknown>),
      )) as L[keyof L]
  }
  return wrapped
}
