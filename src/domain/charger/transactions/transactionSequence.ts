/**
 * A 2.x transaction's message numbers (seqNo) as they arrived: the highest so far, and the ones
 * skipped that have not come since. Chargers send a transaction's messages numbered one up from the
 * start's; a number skipped is a message lost or still queued on the charger.
 */
export interface SequenceTrack {
  highest: number;
  missing: number[];
}

/** the most missing numbers remembered: a charger that jumps further is asked once, all the same */
const MAX_MISSING = 50;

/** The numbers a message with this seqNo skips (none when it follows on, repeats, or fills a gap). */
export function skippedBy(track: SequenceTrack | undefined, sequence: number): number[] {
  if (!track || sequence <= track.highest + 1) return [];
  const skipped: number[] = [];
  for (let number = track.highest + 1; number < sequence && skipped.length < MAX_MISSING; number++)
    skipped.push(number);
  return skipped;
}

/** The track once a message with this seqNo arrived. The first message starts it, whatever its number. */
export function tracked(track: SequenceTrack | undefined, sequence: number): SequenceTrack {
  if (!track) return { highest: sequence, missing: [] };
  // the usual case, every message of a transaction: one up, nothing skipped, nothing copied
  if (sequence === track.highest + 1) return { highest: sequence, missing: track.missing };
  if (sequence > track.highest)
    return {
      highest: sequence,
      missing: [...track.missing, ...skippedBy(track, sequence)].slice(-MAX_MISSING),
    };
  // a late message fills its gap; a repeated number changes nothing (some chargers repeat them)
  return track.missing.includes(sequence)
    ? { ...track, missing: track.missing.filter((number) => number !== sequence) }
    : track;
}
