/** A pull that failed; the message says what happened and what to do, and never carries the token. */
export class PullError extends Error {
  override name = 'PullError'
  constructor(
    message: string,
    /** Whether trying again may help (network errors, 5xx, 429), as opposed to a wrong name or a bad file. */
    readonly retryable = false,
    /** What to do about it, said once at the end rather than with every retry. */
    readonly hint?: string,
  ) {
    super(message)
  }
}
