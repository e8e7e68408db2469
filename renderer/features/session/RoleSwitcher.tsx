/** Who is logged in; on the embedded district, a switch to any default account. */
import { useTranslation } from 'react-i18next';
import { useAppDispatch, useAppSelector } from '../../app/hooks';
import { explainError } from '../outbox/explain';
import { switchUser } from './slice';

export function RoleSwitcher() {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const user = useAppSelector((s) => s.session.user);
  const accounts = useAppSelector((s) => s.session.accounts);
  const busy = useAppSelector((s) => s.session.busy);
  const error = useAppSelector((s) => s.session.error);
  if (!user) return null;
  return (
    <div className="user" data-testid="user">
      <span data-testid="user-name" data-role={user.role}>{user.displayName} · {t(`session.role.${user.role}`)}</span>
      {accounts.length > 0 && (
        <select data-testid="role-switcher" aria-label={t('session.switchUser')} value={user.username} disabled={busy}
          onChange={(e) => void dispatch(switchUser(e.target.value))}>
          {accounts.map((a) => (
            <option key={a.username} value={a.username}>{a.displayName} ({t(`session.role.${a.role}`, { defaultValue: a.role })})</option>
          ))}
        </select>
      )}
      {error && <span className="error" role="alert" data-testid="switch-error">{explainError(t, error.code, error.message)}</span>}
    </div>
  );
}
