/** Why a request to the hub failed, in words a person can act on, from what fetch (undici) throws. */

const EXPLAINED: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved: no network or no DNS?',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable: offline?',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate could not be verified",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate is self-signed (set NODE_EXTRA_CA_CERTS)",
}

interface WithCause {
  code?: string
  message?: string
  cause?: WithCause
  errors?: WithCause[]
}

/** The innermost cause with a code, else the innermost message: 'ECONNREFUSED: connection refused: …'. */
export function networkCause(error: unknown): string {
  let current = error as WithCause | undefined
  let message = (error as Error)?.message ?? String(error)
  for (let depth = 0; current && depth < 5; depth++) {
    const code = current.code ?? current.errors?.find((inner) => inner.code)?.code
    if (code)
      return EXPLAINED[code] ? `${code}: ${EXPLAINED[code]}` : `${code}: ${current.message ?? ''}`.trim()
    if (current.message && current.message !== 'fetch failed') message = current.message
    current = current.cause
  }
  return message
}
