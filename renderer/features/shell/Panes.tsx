/** Queue | case | map, resizable; widths remembered per officer (settings.layout). */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { CaseView } from '../case/CaseView';
import { selectAllCameras, selectAllUnits, selectPositions } from '../case/selectors';
import { QueuePane } from '../queue/QueuePane';
import { ReplayBar, useReplay } from '../replay';
import { selectQueue } from '../queue/selectors';
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
 * The queue's cases, handed on one frame later: a filter change paints the queue first, and the
 * map (up to 20,000 features diffed and sent to its worker, a long task in software GL) follows
 * right after instead of holding that paint back (bench/console.ts measures both).
 */
function useCasesAfterPaint<T>(value: T): T {
  const [late, setLate] = useState(value);
  const latest = useRef(value);
  const pending = useRef(0);
  useEffect(() => {
    latest.current = value;
    // One hand-over in flight at a time, always with the newest value: a stream of batches
    // (one per frame) must not keep postponing the map.
    if (pending.current) return;
    const handOver = () => { pending.current = 0; setLate(latest.current); };
    // A hidden window gets no frames; its map still follows.
    pending.current = document.hidden ? window.setTimeout(handOver, 0) : requestAnimationFrame(() => { pending.current = window.setTimeout(handOver, 0); });
  }, [value]);
  useEffect(() => () => { cancelAnimationFrame(pending.current); clearTimeout(pending.current); }, []);
  return late;
}

function ConsoleMap() {
  // The map shows what the queue shows: the same filters and search — or, during a replay, the past.
  const cases = useCasesAfterPaint(useAppSelector(selectQueue));
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
