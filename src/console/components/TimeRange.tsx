/** A from–to pair of local date-times (empty: open), as the journal and the CDRs filter by. */
export function TimeRange(props: {
  fromLabel?: string;
  toLabel?: string;
  from: string;
  to: string;
  onFrom: (value: string) => void;
  onTo: (value: string) => void;
}) {
  const input = (label: string, value: string, change: (value: string) => void) => (
    <label>
      {label}{' '}
      <input
        type="datetime-local"
        value={value}
        onChange={(e) => change((e.target as HTMLInputElement).value)}
      />
    </label>
  );
  return (
    <>
      {input(props.fromLabel ?? 'From', props.from, props.onFrom)}
      {input(props.toLabel ?? 'To', props.to, props.onTo)}
    </>
  );
}

/** The range as query parameters (ISO times), when set. */
export function rangeParams(params: URLSearchParams, from: string, to: string): URLSearchParams {
  if (from) params.set('from', new Date(from).toISOString());
  if (to) params.set('to', new Date(to).toISOString());
  return params;
}
