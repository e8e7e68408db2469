/** Shown when the core has no user: logs in through the bridge, then the console appears. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { explainError } from '../outbox/explain';
import { login } from './slice';

export function LoginForm() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const busy = useAppSelector((s) => s.session.busy);
  const error = useAppSelector((s) => s.session.error);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <form className="login dialog" data-testid="login-form" onSubmit={(e) => {
      e.preventDefault();
      if (username && password && !busy) void dispatch(login({ username, password }));
    }}>
      <h2>{t('session.login')}</h2>
      <label className="field">{t('session.username')}
        <input autoFocus autoComplete="username" data-testid="login-username" value={username} maxLength={64} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label className="field">{t('session.password')}
        <input type="password" autoComplete="current-password" data-testid="login-password" value={password} maxLength={200} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert" data-testid="login-error" data-code={error.code}>
          {explainError(t, error.code, error.message)}
          {error.code === 'login_failed' && error.message && <><br /><span className="muted">{error.message}</span></>}
        </p>
      )}
      <button type="submit" className="primary" data-testid="login-submit" disabled={busy || !username || !password}>{busy ? t('session.busy') : t('session.submit')}</button>
    </form>
  );
}
