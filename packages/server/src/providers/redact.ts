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
    if (secret.length >= 8) out = out.split(secret).join(REDACTED)
  }
  return options.keyLike ? out.replace(keyLike, REDACTED) : out
}

/** Redacts known secrets inside a JSON-like value (structured log fields). */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets, { keyLike: false })
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, secrets)]))
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
        redactSecrets(message, secrets, { keyLike: false }),
        fields && (redactValue(fields, secrets) as Record<string, unknown>),
      )) as L[keyof L]
  }
  return wrapped
}
