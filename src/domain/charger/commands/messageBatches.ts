/** What a charger takes in one message (2.x DeviceDataCtrlr.ItemsPerMessage, BytesPerMessage). */
export interface MessageLimits {
  itemsPerMessage?: number;
  bytesPerMessage?: number;
}

/**
 * Splits items into the fewest batches, in order, each within the charger's limits: at most
 * `itemsPerMessage` items, and a message of at most `bytesPerMessage` bytes as `sizeOf` counts a
 * batch (an item too big alone still goes, alone: the charger says what it makes of it).
 */
export function messageBatches<T>(
  items: readonly T[],
  limits: MessageLimits,
  sizeOf: (batch: readonly T[]) => number,
): T[][] {
  const maxItems = limits.itemsPerMessage && limits.itemsPerMessage > 0 ? limits.itemsPerMessage : Infinity;
  const maxBytes = limits.bytesPerMessage && limits.bytesPerMessage > 0 ? limits.bytesPerMessage : Infinity;
  const batches: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    const candidate = [...current, item];
    // a batch is measured only when bytes are limited: measuring grows with the batch
    const tooBig = candidate.length > maxItems || (maxBytes !== Infinity && sizeOf(candidate) > maxBytes);
    if (current.length > 0 && tooBig) {
      batches.push(current);
      current = [item];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
