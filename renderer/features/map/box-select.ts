/**
 * Shift+drag box selection of cases. maplibre's own box zoom takes Shift+drag, so the view
 * turns that off while a caller wants box selection. One overlay element for the rubber band
 * (the only DOM the map adds; features are never DOM markers).
 */
import type { Map as MaplibreMap } from 'maplibre-gl';

export interface ScreenPoint {
  x: number;
  y: number;
}

export class BoxSelect {
  private start: ScreenPoint | null = null;
  private box: HTMLDivElement | null = null;
  enabled = false;

  constructor(
    private readonly map: MaplibreMap,
    private readonly onSelect: (a: ScreenPoint, b: ScreenPoint) => void,
  ) {
    map.getCanvasContainer().addEventListener('mousedown', this.onDown, true);
  }

  destroy(): void {
    this.map.getCanvasContainer().removeEventListener('mousedown', this.onDown, true);
    this.finish(null);
  }

  private pos(e: MouseEvent): ScreenPoint {
    const r = this.map.getCanvasContainer().getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private onDown = (e: MouseEvent): void => {
    if (!this.enabled || !e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    // Capture phase on the canvas container: maplibre listens in the bubble phase there, so it
    // never sees this press and neither pans nor box-zooms.
    e.stopPropagation();
    this.start = this.pos(e);
    document.addEventListener('mousemove', this.onMove);
    document.addEventListener('mouseup', this.onUp);
    document.addEventListener('keydown', this.onKey);
  };

  private onMove = (e: MouseEvent): void => {
    if (!this.start) return;
    const p = this.pos(e);
    if (!this.box) {
      this.box = document.createElement('div');
      this.box.dataset.testid = 'map-box-select';
      Object.assign(this.box.style, { position: 'absolute', top: '0', left: '0', pointerEvents: 'none', border: '2px dashed #ffd666', background: 'rgba(255, 214, 102, 0.12)', zIndex: '2' });
      this.map.getCanvasContainer().appendChild(this.box);
    }
    const [x, y] = [Math.min(p.x, this.start.x), Math.min(p.y, this.start.y)];
    Object.assign(this.box.style, { transform: `translate(${x}px, ${y}px)`, width: `${Math.abs(p.x - this.start.x)}px`, height: `${Math.abs(p.y - this.start.y)}px` });
  };

  private onUp = (e: MouseEvent): void => this.finish(this.pos(e));

  private onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') this.finish(null);
  };

  private finish(end: ScreenPoint | null): void {
    document.removeEventListener('mousemove', this.onMove);
    document.removeEventListener('mouseup', this.onUp);
    document.removeEventListener('keydown', this.onKey);
    this.box?.remove();
    this.box = null;
    const start = this.start;
    this.start = null;
    if (!start || !end || Math.abs(end.x - start.x) + Math.abs(end.y - start.y) <= 4) return; // a shift-click is not a box
    this.swallowNextClick();
    this.onSelect(start, end);
  }

  /** The browser still fires a click after the drag; it must not select the feature under the pointer. */
  private swallowNextClick(): void {
    const el = this.map.getCanvasContainer();
    const swallow = (e: MouseEvent) => e.stopPropagation();
    el.addEventListener('click', swallow, { capture: true, once: true });
    setTimeout(() => el.removeEventListener('click', swallow, { capture: true }), 0);
  }
}
