// The one error type of the socket API: a `code` says what failed, `rejectCode` carries libsrt's
// reject code when the peer refused the connection.
export class SrtError extends Error {
  /**
   * @param {string} message
   * @param {{ code: string, rejectCode?: number, cause?: unknown }} details
   */
  constructor(message, { code, rejectCode, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "SrtError";
    this.code = code;
    if (rejectCode !== undefined) this.rejectCode = rejectCode;
  }
}
