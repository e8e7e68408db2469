/**
 * The replay control over the map: a toggle, then a bar with the period, play/pause, a time
 * slider and the speed (1×–3600×). All of it works from the keyboard: Tab through the controls;
 * on the slider ←/→ step 1% of the period, PgUp/PgDn 10%, Home/End the ends; Space plays or
 * pauses; + and − change the speed. While it is open the map shows the past, and says so.
 */
import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { keyStep, nextSpeed, REPLAY_SPEEDS, type ReplaySpeed } from './model';
import { formatMoment, fromLocalInput, toLocalInput } from './time';
import { PERIODS, presetRange, type PeriodPreset, type ReplayApi } from './useReplay';

const bar: CSSProperties = {
  position: 'absolute', top: 8, left: 8, right: 56, zIndex: 4, display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '6px 10px',
  padding: '6px 10px', borderRadius: 4, background: 'var(--bg-raised, rgba(8, 17, 28, 0.92))', color: 'var(--text, #e6edf3)',
  border: '1px solid var(--accent, #d29922)', font: '13px/1.5 var(--font)', boxShadow: '0 2px 8px rgba(0,0,0,0.35)',
};
const toggle: CSSProperties = {
  position: 'absolute', top: 8, left: 8, zIndex: 4, padding: '3px 10px', borderRadius: 4, cursor: 'pointer',
  background: 'var(--bg-raised, rgba(8, 17, 28, 0.92))', color: 'var(--text, #e6edf3)', border: '1px solid var(--line, #30363d)', font: 'inherit',
};

export function ReplayBar({ replay }: { replay: ReplayApi }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const { state } = replay;
  const [preset, setPreset] = useState<PeriodPreset>('1h');
  const [custom, setCustom] = useState(() => ({ from: toLocalInput(Date.now() - 3600_000), to: toLocalInput(Date.now()) }));
  const toggleRef = useRef<HTMLButtonElement>(null);
  const firstRef = useRef<HTMLSelectElement>(null);
  const wasOpen = useRef(false);

  // Focus follows the bar: into it when it opens, back to the toggle when it closes.
  useEffect(() => {
    if (state.open && !wasOpen.current) firstRef.current?.focus();
    if (!state.open && wasOpen.current) toggleRef.current?.focus();
    wasOpen.current = state.open;
  }, [state.open]);

  if (!state.open) {
    return (
      <button
        ref={toggleRef}
        type="button"
        style={toggle}
        data-testid="replay-toggle"
        aria-pressed={false}
        onClick={() => {
          replay.open();
          replay.load(presetRange('1h', Date.now()));
          setPreset('1h');
        }}
      >
        {/* An SVG, not ⏱: the wall PCs' CJK fonts have no such glyph (it drew as a box). */}
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" style={{ verticalAlign: '-2px', marginRight: 4 }}>
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M8 4v4l2.5 2" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        {t('replay.toggle')}
      </button>
    );
  }

  const range = state.range;
  const ready = state.phase === 'ready' && range !== null;
  const step = range ? keyStep(range.from, range.to) : 1000;

  const choose = (p: PeriodPreset) => {
    setPreset(p);
    if (p !== 'custom') replay.load(presetRange(p, Date.now()));
  };
  const loadCustom = () => {
    const from = fromLocalInput(custom.from);
    const to = fromLocalInput(custom.to);
    if (from !== null && to !== null && to > from) replay.load({ from, to: Math.min(to, from + 7 * 24 * 3600_000) });
  };

  const onSliderKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!range) return;
    const moves: Record<string, number> = { ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step, PageDown: -10 * step, PageUp: 10 * step };
    if (e.key in moves) replay.seek(state.at + moves[e.key]!);
    else if (e.key === 'Home') replay.seek(range.from);
    else if (e.key === 'End') replay.seek(range.to);
    else return;
    e.preventDefault();
  };

  // Keys anywhere in the bar; buttons and pickers keep their own Space and letters.
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    const el = e.target as HTMLElement;
    const ownSpace = el.tagName === 'BUTTON' || el.tagName === 'SELECT' || (el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'range');
    if (e.key === ' ' && !ownSpace && ready) {
      replay.setPlaying(!state.playing);
      e.preventDefault();
    } else if ((e.key === '+' || e.key === '=') && el.tagName !== 'INPUT') {
      replay.setSpeed(nextSpeed(state.speed, 1));
      e.preventDefault();
    } else if (e.key === '-' && el.tagName !== 'INPUT') {
      replay.setSpeed(nextSpeed(state.speed, -1));
      e.preventDefault();
    }
  };

  const moment = formatMoment(state.at, lang);
  return (
    <section style={bar} role="region" aria-label={t('replay.title')} data-testid="replay-bar" data-phase={state.phase} data-playing={state.playing} data-at={Math.round(state.at)} onKeyDown={onKey}>
      <strong style={{ color: 'var(--accent, #d29922)' }} data-testid="replay-banner">{t('replay.banner')}</strong>
      <label>
        {t('replay.period')}{' '}
        <select ref={firstRef} data-testid="replay-period" value={preset} onChange={(e) => choose(e.target.value as PeriodPreset)}>
          {PERIODS.map((p) => <option key={p} value={p}>{t(`replay.preset.${p}`)}</option>)}
        </select>
      </label>
      {preset === 'custom' ? (
        <>
          <label>{t('replay.from')} <input type="datetime-local" data-testid="replay-from" value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.target.value })} /></label>
          <label>{t('replay.to')} <input type="datetime-local" data-testid="replay-to" value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.target.value })} /></label>
          <button type="button" data-testid="replay-load" onClick={loadCustom}>{t('replay.load')}</button>
        </>
      ) : null}
      <button type="button" data-testid="replay-play" aria-pressed={state.playing} disabled={!ready} onClick={() => replay.setPlaying(!state.playing)}>
        {state.playing ? `‖ ${t('replay.pause')}` : `▶ ${t('replay.play')}`}
      </button>
      <input
        type="range"
        data-testid="replay-slider"
        aria-label={t('replay.slider')}
        aria-valuetext={moment}
        disabled={!ready}
        min={range?.from ?? 0}
        max={range?.to ?? 1}
        step={1000}
        value={Math.round(state.at)}
        onChange={(e) => replay.seek(Number(e.target.value))}
        onKeyDown={onSliderKey}
        style={{ flex: '1 1 200px', minWidth: 160 }}
      />
      <output data-testid="replay-time" aria-live="off" style={{ fontVariantNumeric: 'tabular-nums' }}>{ready ? moment : '—'}</output>
      <label>
        {t('replay.speed')}{' '}
        <select data-testid="replay-speed" value={state.speed} onChange={(e) => replay.setSpeed(Number(e.target.value) as ReplaySpeed)}>
          {REPLAY_SPEEDS.map((s) => <option key={s} value={s}>{t('replay.speedValue', { n: s })}</option>)}
        </select>
      </label>
      <button type="button" data-testid="replay-close" onClick={replay.close}>{t('replay.live')}</button>
      <span role="status" data-testid="replay-status" style={{ flexBasis: '100%', fontSize: 12, opacity: 0.85 }}>
        {state.phase === 'loading' ? t('replay.loading')
          : state.phase === 'error' ? (state.error?.code === 'unavailable' ? t('replay.unavailable') : t('replay.error', { message: state.error?.message ?? '' }))
          : state.stats ? `${t(state.stats.cases || state.stats.units ? 'replay.summary' : 'replay.empty', { cases: state.stats.cases, units: state.stats.units })}${state.stats.truncated ? ` · ${t('replay.truncated')}` : ''} · ${t('replay.keys')}`
          : null}
      </span>
    </section>
  );
}
