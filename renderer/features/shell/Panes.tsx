/** Queue | case | map, resizable; widths remembered per officer (settings.layout). */
import { useEffect, useMemo, useState } from 'react';
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

function ConsoleMap() {
  // The map shows what the queue shows: the same filters and search — or, during a replay, the past.
  const cases = useAppSelector(selectQueue);
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
