/**
 * A V8 heap snapshot counted by what its objects are: objects by constructor, closures by function
 * name, strings, arrays and code by kind. Two censuses side by side show what a long run keeps
 * adding, without a browser's DevTools.
 */
export interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface CensusLine {
  count: number;
  bytes: number;
}

/** kinds whose names are their contents or internal labels: counted by kind, not one line each */
const COUNTED_BY_KIND = new Set([
  'string',
  'concatenated string',
  'sliced string',
  'number',
  'code',
  'hidden',
]);

export function heapCensus(file: HeapSnapshotFile): Map<string, CensusLine> {
  const fields = file.snapshot.meta.node_fields;
  const typeNames = file.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const census = new Map<string, CensusLine>();
  for (let node = 0; node < file.nodes.length; node += width) {
    const kind = typeNames[file.nodes[node + typeAt]!] ?? 'unknown';
    const key = COUNTED_BY_KIND.has(kind)
      ? `(${kind})`
      : `${kind} ${file.strings[file.nodes[node + nameAt]!]}`;
    const line = census.get(key) ?? { count: 0, bytes: 0 };
    line.count++;
    line.bytes += file.nodes[node + sizeAt]!;
    census.set(key, line);
  }
  return census;
}

export interface CensusChange {
  key: string;
  countBefore: number;
  countAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** What changed between two censuses, the largest growth in bytes first. */
export function censusChanges(
  before: Map<string, CensusLine>,
  after: Map<string, CensusLine>,
): CensusChange[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((key) => ({
      key,
      countBefore: before.get(key)?.count ?? 0,
      countAfter: after.get(key)?.count ?? 0,
      bytesBefore: before.get(key)?.bytes ?? 0,
      bytesAfter: after.get(key)?.bytes ?? 0,
    }))
    .sort((a, b) => b.bytesAfter - b.bytesBefore - (a.bytesAfter - a.bytesBefore));
}
