/** Queue | case | map, resizable; widths remembered per officer (settings.layout). */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { CaseView } from '../case/CaseView';
import { selectAllCameras, selectAllUnits, selectPositions } from '../case/selectors';
import { QueuePane } from '../queue/QueuePane';
import { ReplayBar, useReplay } from '../replay';
import { selectFilters, selectQueue, selectSearchHits } from '../queue/selectors';
import { layoutChanged } from '../settings/slice';
import { paneWidth } from './layout';
import { MapSlot } from './MapSlot';
import { Splitter } from './Splitter';

function useWindowWidth(): number {
  const [w, setW] = useState(() => window.innerWidth);
  useEffect(() => {
    const on = () => setW(window.innerWidth);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return w;
}

/**
 * How long the queue's filters and search must stay put before the map follows them. Measured
 * in the console bench (bench/console.ts, issue 5): in software GL on a 2-core machine one map
 * update for 20,000 cases keeps the CPU busy for ~0.5–1 s (diff and structured clone on the main
 * thread, re-clustering in maplibre's worker, 3–7 WebGL frames as the tiles arrive), and the next
 * filter change painted only after it (~250–600 ms instead of ~40). So a burst of filter changes
 * moves the map once, after the officer has stopped, not once per change.
 */
export const MAP_SETTLE_MS = 400;

/**
 * The queue's cases, handed to the map later: a filter change paints the queue first, and the
 * map (up to 20,000 features diffed and sent to its worker, a long task in software GL) follows
 * once the filters have settled (MAP_SETTLE_MS); a change of the data alone (a live batch)
 * follows right after the next frame, as before (bench/console.ts measures both).
 */
function useCasesAfterPaint<T>(value: T, filters: unknown, hits: unknown): T {
  const [late, setLate] = useState(value);
  const latest = useRef(value);
  const chosen = useRef({ filters, hits });
  const frame = useRef(0);
  const timer = useRef(0);
  const settle = useRef(0);
  useEffect(() => {
    latest.current = value;
    const handOver = () => { frame.current = 0; timer.current = 0; setLate(latest.current); };
    // A hidden window gets no frames; its map still follows.
    const afterPaint = () => {
      if (document.hidden) timer.current = window.setTimeout(handOver, 0);
      else frame.current = requestAnimationFrame(() => { timer.current = window.setTimeout(handOver, 0); });
    };
    if (filters !== chosen.current.filters || hits !== chosen.current.hits) {
      chosen.current = { filters, hits };
      // The officer is choosing: (re)start the wait; nothing goes to the map before it ends.
      cancelAnimationFrame(frame.current);
      clearTimeout(timer.current);
      frame.current = timer.current = 0;
      clearTimeout(settle.current);
      settle.current = window.setTimeout(() => { settle.current = 0; afterPaint(); }, MAP_SETTLE_MS);
      return;
    }
    // One hand-over in flight at a time, always with the newest value: a stream of batches
    // (one per frame) must not keep postponing the map.
    if (settle.current || frame.current || timer.current) return;
    afterPaint();
  }, [value, filters, hits]);
  useEffect(() => () => { cancelAnimationFrame(frame.current); clearTimeout(timer.current); clearTimeout(settle.current); }, []);
  return late;
}

function ConsoleMap() {
  // The map shows what the queue shows: the same filters and search — or, during a replay, the past.
  const cases = useCasesAfterPaint(useAppSelector(selectQueue), useAppSelector(selectFilters), useAppSelector(selectSearchHits));
  const units = useAppSelector(selectAllUnits);
  const cameras = useAppSelector(selectAllCameras);
  const positions = useAppSelector(selectPositions);
  const replay = useReplay();
  const frame = replay.frame;
  const tracked = frame?.unitIds ?? null;
  // During a replay only the units with a track in the period are drawn.
  const shownUnits = useMemo(() => (tracked ? units.filter((u) => tracked.has(u.id)) : units), [units, tracked]);
  return (
    <div className="map-stack" style={{ position: 'relative', width: '100%', height: '100%' }}>
      <MapSlot variant="console" testId="map-slot" cases={frame ? frame.cases : cases} units={shownUnits} cameras={cameras} positions={frame ? frame.positions : positions} replayAt={frame?.at ?? null} />
      <ReplayBar replay={replay} />
    </div>
  );
}

export function Panes() {
  const dispatch = useAppDispatch();
  const layout = useAppSelector((s) => s.settings.layout);
  const windowWidth = useWindowWidth();
  // While dragging, the width lives here; it is saved once the drag ends.
  const [drag, setDrag] = useState<{ queueWidth?: number; mapWidth?: number }>({});
  const merged = { ...layout, ...drag };
  const mapW = paneWidth(merged, 'mapWidth', windowWidth, Number(merged.queueWidth ?? 0));
  const queueW = paneWidth(merged, 'queueWidth', windowWidth, mapW);
  const resize = (key: 'queueWidth' | 'mapWidth') => (w: number, done: boolean) => {
    if (done) {
      setDrag({});
      dispatch(layoutChanged({ [key]: Math.round(w) }));
    } else setDrag({ [key]: w });
  };
  return (
    <main className="panes" data-testid="panes">
      <div className="pane-box" style={{ width: queueW }}><QueuePane /></div>
      <Splitter width={queueW} direction={1} onResize={resize('queueWidth')} testId="splitter-queue" />
      <section className="pane case-pane" data-testid="case-pane"><CaseView /></section>
      <Splitter width={mapW} direction={-1} onResize={resize('mapWidth')} testId="splitter-map" />
      <div className="pane-box map-pane" style={{ width: mapW }}><ConsoleMap /></div>
    </main>
  );
}
