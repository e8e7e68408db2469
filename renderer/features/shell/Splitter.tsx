/** A draggable (or arrow-key) divider between panes; reports the new width when done. */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';

interface Props {
  width: number;
  /** +1: dragging right widens the pane (pane on the left); -1: the pane is on the right. */
  direction: 1 | -1;
  onResize: (width: number, done: boolean) => void;
  testId: string;
}

export function Splitter({ width, direction, onResize, testId }: Props) {
  const { t } = useTranslation();
  const start = useRef<{ x: number; w: number } | null>(null);
  const move = (e: PointerEvent, done: boolean) => {
    if (!start.current) return;
    onResize(start.current.w + direction * (e.clientX - start.current.x), done);
    if (done) start.current = null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 80 : 20;
    if (e.key === 'ArrowLeft') { e.preventDefault(); onResize(width - direction * step, true); }
    if (e.key === 'ArrowRight') { e.preventDefault(); onResize(width + direction * step, true); }
  };
  return (
    <div className="splitter" role="separator" aria-orientation="vertical" aria-valuenow={width} aria-label={t('pane.resize')} title={t('pane.resize')}
      tabIndex={0} data-testid={testId} onKeyDown={onKeyDown}
      onPointerDown={(e) => { e.currentTarget.setPointerCapture(e.pointerId); start.current = { x: e.clientX, w: width }; }}
      onPointerMove={(e) => move(e, false)}
      onPointerUp={(e) => move(e, true)}
      onPointerCancel={() => { start.current = null; }} />
  );
}
