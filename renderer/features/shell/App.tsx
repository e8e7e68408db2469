/** The duty officer's console: connection bar, top bar, the three panes, and the overlays. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../../app/hooks';
import { CommandPalette } from '../command-palette/CommandPalette';
import { OperationsEntry } from '../operations/ConsoleEntry';
import { ConnectionBar } from '../connection/ConnectionBar';
import { selectIsLive } from '../connection/selectors';
import { Notices } from '../outbox/Notices';
import { LoginForm } from '../session/LoginForm';
import { RoleSwitcher } from '../session/RoleSwitcher';
import { Switches } from '../settings/Switches';
import { StatisticsEntry } from '../statistics/ConsoleEntry';
import { ActionForm } from '../workflow/ActionForm';
import { focusQueue } from './focus';
import { HelpOverlay } from './HelpOverlay';
import { Kpis } from './Kpis';
import { Panes } from './Panes';
import { useGlobalKeys } from './useGlobalKeys';

export function App() {
  const { t } = useTranslation();
  useGlobalKeys();
  const loaded = useAppSelector((s) => s.cases.loaded);
  const user = useAppSelector((s) => s.session.user);
  const theme = useAppSelector((s) => s.settings.theme);
  const live = useAppSelector(selectIsLive);
  const districtError = useAppSelector((s) => s.district.error);
  // Behind a dialog nothing may take focus or clicks: Tab stays inside the dialog.
  const covered = useAppSelector((s) => s.shell.overlay !== null || s.workflow.form !== null);
  // Focus is never lost: when a dialog closes and nothing took focus, it goes home to the queue.
  useEffect(() => {
    if (!covered && (document.activeElement === null || document.activeElement === document.body)) focusQueue();
  }, [covered]);

  return (
    <div className={`app theme-${theme}${live ? '' : ' not-live'}`} data-testid="app" data-theme={theme}>
      <ConnectionBar />
      <header className="topbar" inert={covered}>
        <h1 title={t('app.title')}>{t('app.title')}</h1>
        {user && <Kpis />}
        <div className="spacer" />
        {user && <OperationsEntry />}
        {user && <StatisticsEntry />}
        <RoleSwitcher />
        <Switches />
      </header>
      {districtError && <div className="banner refusal" role="alert" data-testid="district-error">{t('app.districtError', { message: districtError.message })}</div>}
      {!loaded ? (
        <div className="loading" data-testid="loading">{t('app.loading')}</div>
      ) : !user ? (
        <div className="center"><LoginForm /></div>
      ) : (
        <div className="panes-box" inert={covered}><Panes /></div>
      )}
      <Notices />
      <ActionForm />
      <CommandPalette />
      <HelpOverlay />
    </div>
  );
}
