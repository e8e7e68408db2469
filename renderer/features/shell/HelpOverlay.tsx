/** "?": the keys of the console, including each case step's letter. */
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { STEP_SPECS, STEPS } from '../workflow/steps';
import { HELP_ROWS } from './keymap';

export function HelpOverlay() {
  const { t } = useTranslation();
  const open = useAppSelector((s) => s.shell.overlay === 'help');
  if (!open) return null;
  return (
    <div className="overlay" data-testid="help-overlay">
      <div className="dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title" tabIndex={-1} ref={(el) => el?.focus()}>
        <h2 id="help-title">{t('help.title')}</h2>
        <table>
          <tbody>
            {HELP_ROWS.map((r) => (
              <tr key={r.what}><td>{r.keys.map((k) => <kbd key={k}>{k}</kbd>)}</td><td>{t(r.what)}</td></tr>
            ))}
          </tbody>
        </table>
        <h3>{t('help.steps')}</h3>
        <table>
          <tbody>
            {STEPS.map((s) => (
              <tr key={s}><td><kbd>{STEP_SPECS[s].key.toUpperCase()}</kbd></td><td>{t(`step.${s}`)}</td></tr>
            ))}
          </tbody>
        </table>
        <p className="muted">{t('help.close')}</p>
      </div>
    </div>
  );
}
