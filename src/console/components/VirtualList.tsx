import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/**
 * Rows of one fixed height, of which only those in view (and a few around) are in the page: ten
 * thousand chargers or a hundred thousand frames scroll without being rendered all at once.
 */
export function VirtualList<T>(props: {
  items: readonly T[];
  rowHeight: number;
  height: string;
  label: string;
  row: (item: T, index: number) => ComponentChildren;
}) {
  const { items, rowHeight, row } = props;
  const [top, setTop] = useState(0);
  const [viewport, setViewport] = useState(800);
  const first = Math.max(0, Math.floor(top / rowHeight) - 10);
  const last = Math.min(items.length, Math.ceil((top + viewport) / rowHeight) + 10);
  return (
    <div
      class="virtual"
      style={{ height: props.height }}
      ref={(element) => {
        if (element?.clientHeight && element.clientHeight !== viewport) setViewport(element.clientHeight);
      }}
      onScroll={(event) => setTop((event.currentTarget as HTMLElement).scrollTop)}
    >
      <ul aria-label={props.label} style={{ height: `${items.length * rowHeight}px` }}>
        {items.slice(first, last).map((item, offset) => (
          <li
            class="virtual-row"
            key={first + offset}
            style={{ top: `${(first + offset) * rowHeight}px`, height: `${rowHeight}px` }}
          >
            {row(item, first + offset)}
          </li>
        ))}
      </ul>
    </div>
  );
}
