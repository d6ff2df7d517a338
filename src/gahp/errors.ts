/** Root of the errors the GAHP client reports; `command` names the request concerned, if any. */
export class GahpError extends Error {
  constructor(
    message: string,
    readonly command?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The server answered a request line with `E` or `F`. */
export class GahpRequestRejectedError extends GahpError {
  constructor(
    command: string,
    readonly reply: "E" | "F",
    readonly detail: string | undefined,
  ) {
    super(
      reply === "E"
        ? `the GAHP server rejected ${command} as malformed (E): unknown command, bad request id or wrong argument count`
        : `the GAHP server failed ${command} (F)${detail === undefined ? "" : `: ${detail}`}`,
      command,
    );
  }
}

/** No result (or no reply) arrived in time. */
export class GahpTimeoutError extends GahpError {}

/** The server exited or its pipes closed while the request was pending. */
export class GahpServerDiedError extends GahpError {}

/** The server wrote something the protocol does not allow here. */
export class GahpProtocolError extends GahpError {}

/** The command is not in the server's `COMMANDS` list. */
export class GahpUnsupportedCommandError extends GahpError {}
