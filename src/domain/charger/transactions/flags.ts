import type { Flag } from '../../../policies/energyReconciliation.js';

/** Flags of several sources, one per code (the first of each code wins). */
export function mergeFlags(...lists: Flag[][]): Flag[] {
  const merged = new Map<string, Flag>();
  for (const flag of lists.flat()) if (!merged.has(flag.code)) merged.set(flag.code, flag);
  return [...merged.values()];
}
