/** A config that cannot be served: every problem, each naming its field. Values are never quoted for secrets. */

export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    readonly issues: string[],
    source?: string,
  ) {
    super(`Invalid config${source ? ` ${source}` : ''}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`)
  }
}
