/** A bad command line: the commands print its message and return status 2. */
export class UsageError extends Error {}
