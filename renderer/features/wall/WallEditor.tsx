/**
 * The wall's layout editor (`/wall/<name>?edit`): the wall itself stays read-only; its layouts
 * are edited here as JSON, checked as one types, saved to settings (the wall follows at once),
 * and exported or imported as a JSON file (checked the same way).
 */
import { useMemo, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LinkageBridge } from '../../../shared/bridge/contract';
import { useAppSelector } from '../../app/hooks';
import { exportWalls, parseWallConfig, parseWallFile, resolveWall, type Walls } from './layouts';
import './wall.css';

export function WallEditor({ name, bridge }: { name: string; bridge: LinkageBridge }) {
  const { t } = useTranslation();
  const walls = useAppSelector((s) => s.settings.walls);
  const resolved = useMemo(() => resolveWall(walls, name), [walls, name]);
  const [text, setText] = useState(() => JSON.stringify(resolved.config, null, 2));
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const check = useMemo(() => parseWallConfig(text), [text]);

  const save = async (next: Walls, message: string) => {
    try {
      await bridge.setSettings({ walls: next });
      setNote({ ok: true, text: message });
    } catch (e) {
      setNote({ ok: false, text: t('wall.editor.failed', { message: (e as Error).message }) });
    }
  };

  const onSave = () => {
    if (check.ok) void save({ ...(walls ?? {}), [name]: check.config }, t('wall.editor.saved'));
  };

  const onReset = () => {
    const next = { ...(walls ?? {}) };
    delete next[name];
    setText(JSON.stringify(resolveWall(next, name).config, null, 2));
    void save(next, t('wall.editor.saved'));
  };

  const onExport = () => {
    const blob = new Blob([JSON.stringify(exportWalls(walls, name), null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `walls-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const parsed = parseWallFile(await file.text());
    if (!parsed.ok) {
      setNote({ ok: false, text: `${t('wall.editor.invalid')} ${parsed.message}` });
      return;
    }
    const next = { ...(walls ?? {}), ...parsed.walls };
    if (next[name]) setText(JSON.stringify(next[name], null, 2));
    await save(next, t('wall.editor.imported', { count: Object.keys(parsed.walls).length }));
  };

  return (
    <div className="wall-editor theme-dark" data-testid="wall-editor">
      <header>
        <h1>{t('wall.editor.title', { name })}</h1>
        <a href={`./${encodeURIComponent(name)}`}>{t('wall.editor.open')}</a>
      </header>
      <p className="muted">{t('wall.editor.intro')}</p>
      <p data-testid="wall-editor-source">{t('wall.editor.source', { source: resolved.source === 'settings' ? t('wall.editor.fromSettings') : t('wall.editor.fromDefault') })}</p>
      {resolved.problem && <p className="error" role="alert">{t('wall.editor.problem', { message: resolved.problem })}</p>}
      <textarea
        data-testid="wall-editor-text"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={!check.ok}
        aria-label={t('wall.editor.title', { name })}
      />
      <div className={check.ok ? 'ok' : 'error'} data-testid="wall-editor-check" data-ok={check.ok}>
        {check.ok ? t('wall.editor.valid') : <><b>{t('wall.editor.invalid')}</b><pre>{check.message}</pre></>}
      </div>
      <div className="wall-editor-actions">
        <button type="button" className="primary" disabled={!check.ok} onClick={onSave} data-testid="wall-editor-save">{t('wall.editor.save')}</button>
        <button type="button" onClick={onReset}>{t('wall.editor.reset')}</button>
        <button type="button" onClick={onExport} data-testid="wall-editor-export">{t('wall.editor.export')}</button>
        <label className="button">
          {t('wall.editor.import')}
          <input type="file" accept="application/json,.json" onChange={(e) => void onImport(e)} data-testid="wall-editor-import" hidden />
        </label>
      </div>
      {note && <p className={note.ok ? 'ok' : 'error'} role="status" data-testid="wall-editor-note">{note.text}</p>}
    </div>
  );
}
