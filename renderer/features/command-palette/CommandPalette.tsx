/** Ctrl+K: every action available now, navigation and settings, found by typing. */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { selectOfferedSteps } from '../case/selectors';
import { runPaletteAction } from '../shell/run';
import { paletteItems } from './items';

export function CommandPalette() {
  const open = useAppSelector((s) => s.shell.overlay === 'palette');
  return open ? <OpenPalette /> : null;
}

function OpenPalette() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const offered = useAppSelector(selectOfferedSteps);
  const accounts = useAppSelector((s) => s.session.accounts);
  const user = useAppSelector((s) => s.session.user);
  const presets = useAppSelector((s) => s.settings.presets);
  const entities = useAppSelector((s) => s.cases.entities);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const items = useMemo(
    () => paletteItems({ offered, accounts, currentUsername: user?.username ?? null, presets, hasCase: (id) => !!entities[id], t }, query),
    [offered, accounts, user, presets, entities, t, query],
  );
  const at = Math.min(active, Math.max(0, items.length - 1));

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((at + 1) % Math.max(1, items.length)); }
    if (e.key === 'ArrowUp') { e.preventDefault(); setActive((at - 1 + items.length) % Math.max(1, items.length)); }
    if (e.key === 'Enter') {
      e.preventDefault();
      const item = items[at];
      if (item) dispatch(runPaletteAction(item.action));
    }
  };

  return (
    <div className="overlay top" data-testid="palette-overlay">
      <div className="dialog palette" role="dialog" aria-modal="true" aria-label={t('palette.title')} data-testid="command-palette">
        <input autoFocus data-testid="palette-input" placeholder={t('palette.placeholder')} aria-label={t('palette.placeholder')}
          role="combobox" aria-expanded="true" aria-controls="palette-list" aria-activedescendant={items[at] ? `pal-${at}` : undefined}
          value={query} onChange={(e) => { setQuery(e.target.value); setActive(0); }} onKeyDown={onKeyDown} />
        <ul id="palette-list" role="listbox" className="palette-list">
          {items.length === 0 && <li className="muted">{t('palette.empty')}</li>}
          {items.map((item, i) => (
            <li key={item.id} id={`pal-${i}`} role="option" aria-selected={i === at} className={i === at ? 'active' : ''}
              data-testid="palette-item" data-item-id={item.id} onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => { e.preventDefault(); dispatch(runPaletteAction(item.action)); }}>
              <span className="group muted">{t(`palette.group${item.group[0]!.toUpperCase()}${item.group.slice(1)}`)}</span>
              <span>{item.label}</span>
              {item.shortcut && <kbd>{item.shortcut}</kbd>}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
