/**
 * The one gate for strings an upstream wrote that may reach a client: error messages, codes, types and
 * params, from whole answers and from stream events alike. Messages are redacted (configured keys in any
 * variant form, anything key-like) and cut; codes and types pass only when they are ones the providers
 * document, anything else becomes a generic one; a param passes only when it reads as a field path.
 */
import { redactSecrets } from '../core/redact.js'

/** The longest upstream message shown. */
export const MAX_UPSTREAM_MESSAGE = 300

/** Error codes and types that OpenAI-compatible servers, Anthropic and Hugging Face document. */
const knownCodes = new Set([
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'api_error',
  'server_error',
  'overloaded_error',
  'timeout_error',
  'request_too_large',
  'billing_error',
  'insufficient_quota',
  'invalid_api_key',
  'model_not_found',
  'context_length_exceeded',
  'rate_limit_exceeded',
  'tokens',
  'requests',
  'invalid_value',
  'invalid_type',
  'missing_required_parameter',
  'unknown_parameter',
  'unsupported_parameter',
  'unsupported_value',
  'unsupported_model',
  'content_filter',
  'content_policy_violation',
  'string_above_max_length',
  'array_above_max_length',
  'integer_above_max_value',
  'integer_below_min_value',
  'invalid_image',
  'invalid_image_url',
  'model_overloaded',
  'engine_overloaded',
  'service_unavailable',
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable_entity',
  'too_many_requests',
  'internal_error',
  'internal_server_error',
])

/** An upstream message as a client may see it: redacted, then cut. */
export function upstreamMessage(value: unknown, secrets: readonly string[], fallback = 'an error'): string {
  if (typeof value !== 'string' || value.trim() === '') return fallback
  // Cut before redacting too: an upstream may send megabytes, and the scan is linear in what it reads.
  const redacted = redactSecrets(value.slice(0, 8 * MAX_UPSTREAM_MESSAGE), secrets)
  return redacted.length > MAX_UPSTREAM_MESSAGE
    ? `${redacted.slice(0, MAX_UPSTREAM_MESSAGE - 3)}...`
    : redacted
}

/** An upstream code or type, when it is a documented one; undefined otherwise (the caller's generic one). */
export function upstreamCode(value: unknown): string | undefined {
  return typeof value === 'string' && knownCodes.has(value.toLowerCase()) ? value.toLowerCase() : undefined
}

const fieldPath = /^[A-Za-z_][A-Za-z0-9_]{0,40}(?:(?:\.[A-Za-z_][A-Za-z0-9_]{0,40})|\[\d{1,6}\]){0,8}$/

/** An upstream `param`, when it reads as a request field path (`messages[0].content`); null otherwise. */
export function upstreamParam(value: unknown, secrets: readonly string[]): string | null {
  if (typeof value !== 'string' || !fieldPath.test(value)) return null
  return redactSecrets(value, secrets) === value ? value : null
}
