/**
 * Where this door's unexpected errors are written: the web process points it at
 * its logger at start-up (`setErrorLog`); until then (tests, scripts) stderr.
 */
export type ErrorLog = (message: string, err: unknown) => void;

let errorLog: ErrorLog = (message, err) => console.error(`${message}:`, err);

export function setErrorLog(log: ErrorLog): void {
  errorLog = log;
}

export function logError(message: string, err: unknown): void {
  errorLog(message, err);
}
