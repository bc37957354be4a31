import { useState } from 'preact/hooks';

/** A frame exactly as on the wire; pretty-printed on demand, and copyable. */
export function RawFrame({ text }: { text: string }) {
  const [pretty, setPretty] = useState(false);
  const [copied, setCopied] = useState(false);
  let shown = text;
  if (pretty) {
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      shown = text;
    }
  }
  return (
    <div class="raw">
      <pre class={pretty ? 'pretty' : 'wire'}>{shown}</pre>
      <div class="raw-actions">
        <button type="button" class="small" aria-pressed={pretty} onClick={() => setPretty(!pretty)}>
          {pretty ? 'As sent' : 'Pretty'}
        </button>
        <button
          type="button"
          class="small"
          onClick={async () => {
            await navigator.clipboard?.writeText(text).catch(() => undefined);
            setCopied(true);
            setTimeout(() => setCopied(false), 1_500);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
