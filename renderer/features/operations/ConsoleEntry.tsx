/**
 * The console's way to the operation board: a button in the top bar that also shows what is in
 * force (the highest active level, in its colour and words, and how many operations).
 */
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { LEVEL_HEX, levelNumeral } from './model';
import { openOperationBoard } from './open';
import { selectActiveOperations, selectHighestActiveLevel } from './selectors';

export function OperationsEntry() {
  const { t } = useTranslation();
  const active = useAppSelector(selectActiveOperations);
  const level = useAppSelector(selectHighestActiveLevel);
  // One active operation: straight to its board; several or none: the list.
  const target = active.length === 1 ? active[0]!.id : null;
  return (
    <button type="button" data-testid="operations-entry" data-level={level ?? ''} data-active={active.length}
      style={{ display: 'inline-flex', alignItems: 'center', gap: 8, whiteSpace: 'nowrap', flex: 'none' }}
      onClick={() => openOperationBoard(target)}>
      {t('operation.console.open')}
      {level !== null && (
        <span data-testid="operations-badge" style={{ background: LEVEL_HEX[level], color: '#0b0f14', fontWeight: 800, borderRadius: 6, padding: '0 8px', fontSize: 14 }}>
          {t('operation.console.active', { numeral: levelNumeral(level), count: active.length })}
        </span>
      )}
    </button>
  );
}
