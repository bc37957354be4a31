const CONFLICT_CODES = new Set([
  '23505', // unique_violation: another node wrote the same revision first
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Errors that go away when the transaction is simply decided and run again. */
export function isTransientConflict(error: unknown): boolean {
  return CONFLICT_CODES.has((error as { code?: string })?.code ?? '');
}

/** The connection is gone (or going): the outcome of what was in flight is unknown. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? '';
  if (code.startsWith('08') || code.startsWith('57P')) return true;
  if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN'].includes(code)) return true;
  const message = (error as Error)?.message ?? '';
  return /Connection terminated|connection.*closed|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}
