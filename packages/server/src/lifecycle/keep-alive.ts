/** `model.json` `keep_alive_ms`: how long a model's sessions stay in memory without a request. */

/** A whole number of milliseconds of at least 1, or `false` to keep the model loaded whatever the server's default. */
export function parseKeepAlive(config: Record<string, unknown>): number | false | undefined {
  const value = config.keep_alive_ms
  if (value === undefined || value === false) return value
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error('keep_alive_ms must be a whole number of milliseconds of at least 1, or false')
  }
  return value
}
