/**
 * API keys as the server holds them: a name and the SHA-256 of the key, never the key itself. Hashing
 * uses WebCrypto, so the edge build shares this code.
 */

export interface ApiKey {
  /** Shown in logs and metrics and used for rate-limit buckets; never secret. */
  name: string
  /** SHA-256 of the key, lower-case hex. */
  sha256: string
  /** Requests per minute (unlimited when absent). */
  rpm?: number
  /** Chat and embeddings tokens per minute (unlimited when absent). */
  tpm?: number
  /** May load and unload models for everyone (the repository endpoints); absent: an ordinary key. */
  admin?: boolean
}

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('')

/** SHA-256 of a key as lower-case hex: what the config file's `auth.keys[].sha256` holds. */
export async function hashApiKey(key: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))
}

/** The keys of a comma-separated list (`MODELPORT_API_KEYS`); blanks around and between are ignored. */
export function splitApiKeys(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '')
}

/**
 * Hashes plain keys (from the environment) into entries named `env-<first 8 hex digits of the hash>`
 * (`env-admin-…` for admin keys): stable across replicas that share the keys, and useless to an attacker.
 */
export async function hashApiKeys(
  keys: readonly string[],
  limits: Pick<ApiKey, 'rpm' | 'tpm'> = {},
  { admin = false }: { admin?: boolean } = {},
): Promise<ApiKey[]> {
  return Promise.all(
    keys.map(async (key) => {
      const sha256 = await hashApiKey(key)
      const name = `env-${admin ? 'admin-' : ''}${sha256.slice(0, 8)}`
      return { name, sha256, ...limits, ...(admin && { admin: true }) }
    }),
  )
}
