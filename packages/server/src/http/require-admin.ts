/**
 * The admin permission. Loading and unloading models changes what every client of a shared server is
 * served, so once the server has keys those endpoints need a key marked admin (`admin: true` in the
 * config file, or `MODELPORT_ADMIN_API_KEYS`). A server without keys (local development) leaves them
 * open, as it leaves every endpoint open.
 */
import type { MiddlewareHandler } from 'hono'
import { forbidden } from '../core/errors.js'

/** Refuses with a 403 a request made with an ordinary key; runs after `apiKeyAuth`. */
export const requireAdmin: MiddlewareHandler = async (c, next) => {
  // `apiKeyAuth` sets the key on every non-public path whenever the server has keys.
  const key = c.get('apiKey')
  if (key && key.admin !== true) {
    throw forbidden(
      'admin_key_required',
      `The model repository endpoints need an admin API key, and key '${key.name}' is not one. Mark a ` +
        "key with 'admin: true' in the config file's auth.keys, or list it in MODELPORT_ADMIN_API_KEYS.",
    )
  }
  return next()
}
