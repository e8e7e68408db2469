/** Language, theme and sound: one click each, saved with the officer's settings. */
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { overlayOpened } from '../shell/slice';
import { settingsChanged } from './slice';

export function Switches() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const { language, theme, soundMuted } = useAppSelector((s) => s.settings);
  return (
    <div className="switches">
      <button type="button" data-testid="language-switch" data-language={language} aria-label={t('settings.language')}
        lang={language === 'zh-CN' ? 'en' : 'zh-CN'} onClick={() => dispatch(settingsChanged({ language: language === 'zh-CN' ? 'en' : 'zh-CN' }))}>
        {t('settings.switchTo')}
      </button>
      <button type="button" data-testid="theme-switch" data-theme={theme} aria-label={t('settings.theme')}
        onClick={() => dispatch(settingsChanged({ theme: theme === 'dark' ? 'light' : 'dark' }))}>
        {theme === 'dark' ? t('settings.light') : t('settings.dark')}
      </button>
      <button type="button" data-testid="sound-toggle" aria-pressed={soundMuted} onClick={() => dispatch(settingsChanged({ soundMuted: !soundMuted }))}>
        {soundMuted ? t('settings.unmute') : t('settings.mute')}
      </button>
      <button type="button" data-testid="help-button" onClick={() => dispatch(overlayOpened('help'))}>{t('settings.help')}</button>
    </div>
  );
}
