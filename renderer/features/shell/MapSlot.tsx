/**
 * The district map (renderer/features/map, built by its own owner) loaded on demand, so the
 * queue is usable before maplibre has arrived, and a map failure stays inside its pane.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Camera, Case, LngLat, Position, Unit } from '../../../shared/protocol/entities';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { districtData } from '../district/geo';
import { caseSelected } from '../queue/slice';
import { ErrorBoundary } from './ErrorBoundary';

const DistrictMap = lazy(() => import('../map').then((m) => ({ default: m.DistrictMap })));

interface Props {
  variant: 'console' | 'mini';
  cases: Case[];
  units: Unit[];
  cameras: Camera[];
  positions: Record<string, Position>;
  focus?: LngLat | null;
  testId: string;
  /** A replay's moment while the map shows the past (features/replay); null or absent: live. */
  replayAt?: number | null;
}

function Placeholder({ testId, children }: { testId: string; children: ReactNode }) {
  return <div className="map-placeholder" data-testid={testId}>{children}</div>;
}

export function MapSlot({ variant, cases, units, cameras, positions, focus, testId, replayAt = null }: Props) {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const theme = useAppSelector((s) => (s.settings.theme === 'light' ? 'day' : 'night'));
  const selectedCaseId = useAppSelector((s) => s.queue.selectedId);
  // The district's shapes are outside the store; its summary arriving says they are here.
  const loaded = useAppSelector((s) => s.district.summary !== null);
  const placeholder = <Placeholder testId={testId}>{t('map.placeholder')}</Placeholder>;
  return (
    <ErrorBoundary fallback={() => <Placeholder testId={testId}>{t('map.unavailable')}</Placeholder>}>
      <Suspense fallback={placeholder}>
        <div className={`map-slot ${variant}`} data-testid={testId}>
          <DistrictMap
            district={loaded ? districtData() : null}
            cases={cases}
            units={units}
            cameras={cameras}
            positions={positions}
            selectedCaseId={selectedCaseId}
            onSelectCase={(id) => dispatch(caseSelected(id))}
            onSelectUnit={() => {}}
            onSelectCamera={() => {}}
            theme={theme}
            variant={variant}
            focus={focus ?? null}
            lang={i18n.language === 'en' ? 'en' : 'zh-CN'}
            replayAt={replayAt}
          />
        </div>
      </Suspense>
    </ErrorBoundary>
  );
}
