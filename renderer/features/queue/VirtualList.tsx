/**
 * A fixed-row-height virtual list: only the rows in view (plus a few) exist in the DOM, so
 * 20,000 cases scroll as smoothly as 20. The container is the focus target of the queue.
 */
import { Fragment, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { visibleRange } from './range';

interface Props {
  count: number;
  rowHeight: number;
  renderRow: (index: number, top: number) => ReactNode;
  /** Kept in view: the keyboard cursor. -1 for none. */
  activeIndex: number;
  overscan?: number;
  listRef?: Ref<HTMLDivElement>;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
  testId?: string;
  id?: string;
  label: string;
  activeId?: string;
}

export function VirtualList({ count, rowHeight, renderRow, activeIndex, overscan = 6, listRef, onKeyDown, testId, id, label, activeId }: Props) {
  const box = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(800);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Keep the cursor in view, scrolling as little as possible.
  useEffect(() => {
    const el = box.current;
    if (!el || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [activeIndex, rowHeight]);

  const [first, last] = visibleRange(scrollTop, height, rowHeight, count, overscan);
  // Rows are keyed by slot, not by item: scrolling re-uses the same DOM nodes with new
  // contents instead of unmounting and mounting a screenful of rows every frame.
  const pool = Math.max(64, 2 * (last - first));
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(<Fragment key={i % pool}>{renderRow(i, i * rowHeight)}</Fragment>);

  return (
    <div
      ref={(el) => {
        box.current = el;
        if (typeof listRef === 'function') listRef(el);
        else if (listRef) (listRef as { current: HTMLDivElement | null }).current = el;
      }}
      id={id}
      className="vlist"
      tabIndex={0}
      role="listbox"
      aria-label={label}
      aria-activedescendant={activeId}
      data-testid={testId}
      data-count={count}
      onKeyDown={onKeyDown}
      onScroll={(e) => {
        const top = e.currentTarget.scrollTop;
        // One state update per frame however fast the wheel spins.
        cancelAnimationFrame(frame.current);
        frame.current = requestAnimationFrame(() => setScrollTop(top));
      }}
    >
      <div className="vlist-inner" style={{ height: count * rowHeight }}>{rows}</div>
    </div>
  );
}
