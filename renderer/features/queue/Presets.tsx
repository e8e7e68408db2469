/** Saved filter sets, kept in the officer's settings (so every window and restart has them). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { settingsChanged } from '../settings/slice';
import { normalizeFilters } from './filters';
import { filtersReplaced } from './slice';

export function Presets() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const presets = useAppSelector((s) => s.settings.presets);
  const filters = useAppSelector((s) => s.queue.filters);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState('');

  const save = () => {
    const n = name.trim().slice(0, 60);
    if (!n) return;
    const rest = presets.filter((p) => p.name !== n);
    dispatch(settingsChanged({ presets: [...rest, { name: n, filter: { ...filters } }].slice(-50) }));
    setNaming(false);
    setName('');
    setChosen(n);
  };

  return (
    <div className="presets" data-testid="presets">
      <select data-testid="preset-select" aria-label={t('queue.presets.label')} value={chosen} onChange={(e) => {
        setChosen(e.target.value);
        const p = presets.find((x) => x.name === e.target.value);
        if (p) dispatch(filtersReplaced(normalizeFilters(p.filter)));
      }}>
        <option value="">{t('queue.presets.none')}</option>
        {presets.map((p) => <option key={p.name} value={p.name}>{p.name}</option>)}
      </select>
      {naming ? (
        <input autoFocus data-testid="preset-name" placeholder={t('queue.presets.name')} aria-label={t('queue.presets.name')} value={name} maxLength={60}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') save();
            if (e.key === 'Escape') { e.stopPropagation(); setNaming(false); }
          }} onBlur={() => setNaming(false)} />
      ) : (
        <button type="button" data-testid="preset-save" onClick={() => setNaming(true)}>{t('queue.presets.save')}</button>
      )}
      {chosen && (
        <button type="button" className="link" data-testid="preset-delete" onClick={() => {
          dispatch(settingsChanged({ presets: presets.filter((p) => p.name !== chosen) }));
          setChosen('');
        }}>{t('queue.presets.delete')}</button>
      )}
    </div>
  );
}
