/**
 * The response plans (应急预案) as the list page shows them: one plan at a time, its hazard and
 * leading department, the four levels (Ⅰ highest … Ⅳ) with what activates each, and at the
 * chosen level the criteria, the tasks of each department (the levels below included), the
 * resources and the notifications. A role that may activate gets the way to activate the plan
 * at that level (the activation form below, set to the same plan and level); others are told
 * whose decision it is. Plain buttons throughout, so Tab and Enter reach everything.
 */
import { useTranslation } from 'react-i18next';
import { notificationsFor, resourcesFor, RESPONSE_LEVELS, tasksFor, type LevelInfo, type Plan, type ResponseLevel } from '../../../shared/domain/operations';
import { useNames } from '../district/useNames';
import { formatList } from '../../i18n/format';
import { LEVEL_HEX, levelNumeral, planTasksByDepartment } from './model';

export interface PlanChoice {
  planId: string;
  level: ResponseLevel;
}

export function PlanBook({ plans, levels, choice, onChoose, canActivate, onActivate }: {
  plans: readonly Plan[];
  levels: readonly LevelInfo[];
  choice: PlanChoice;
  onChoose(choice: PlanChoice): void;
  canActivate: boolean;
  /** Go to the activation form (already set to the chosen plan and level). */
  onActivate(): void;
}) {
  const { t } = useTranslation();
  const names = useNames();
  const zh = names.lang.startsWith('zh');
  if (!plans.length) {
    return (
      <section className="op-card op-plans" aria-labelledby="op-plans-title" data-testid="op-plans" data-count={0}>
        <header><h2 id="op-plans-title">{t('operation.home.plans')}</h2></header>
        <p className="op-hint" data-testid="op-no-plans">{t('operation.home.noPlans')}</p>
      </section>
    );
  }
  const plan = plans.find((p) => p.id === choice.planId) ?? plans[0]!;
  const level = choice.level;
  const info = levels.find((l) => l.level === level);
  const planLevel = plan.levels.find((l) => l.level === level);
  const groups = planTasksByDepartment(plan, level);
  const inForce = tasksFor(plan, level);
  const added = inForce.filter((x) => x.level === level).length;
  const resources = resourcesFor(plan, level);
  const notifications = notificationsFor(plan, level);
  const bi = (x: { zh: string; en: string } | undefined) => (x ? (zh ? x.zh : x.en) : '');
  const categories = [...new Set(plan.categoryCodes.map((c) => names.category(c)))];

  return (
    <section className="op-card op-plans" aria-labelledby="op-plans-title" data-testid="op-plans" data-count={plans.length}>
      <header>
        <h2 id="op-plans-title">{t('operation.home.plans')}</h2>
        <span className="muted">{t('operation.home.count', { count: plans.length })}</span>
      </header>
      <div className="op-plans-body">
        <ul className="op-plan-tabs" aria-label={t('operation.home.planList')}>
          {plans.map((p) => (
            <li key={p.id}>
              <button type="button" className="op-plan-tab" data-testid="op-plan" data-plan-id={p.id} aria-pressed={p.id === plan.id}
                onClick={() => onChoose({ planId: p.id, level })}>
                <b>{zh ? p.name : p.nameEn}</b>
                <span className="muted">{t(`operation.home.eventType.${p.eventType}`)} · {names.department(p.lead)}</span>
              </button>
            </li>
          ))}
        </ul>

        <div className="op-plan-detail" data-testid="op-plan-detail" data-plan-id={plan.id} data-level={level}>
          <div className="op-plan-head">
            <h3 data-testid="op-plan-name">{zh ? plan.name : plan.nameEn}</h3>
            <div className="muted">
              {t(`operation.home.eventType.${plan.eventType}`)} · {t('operation.home.lead', { department: names.department(plan.lead) })}
            </div>
            {categories.length > 0 && <div className="muted ellipsis" title={formatList(categories, names.lang)}>{t('operation.home.suggestedBy', { categories: formatList(categories, names.lang) })}</div>}
          </div>

          <div className="op-plan-levels" role="group" aria-label={t('operation.home.levels')}>
            {RESPONSE_LEVELS.map((l) => {
              const li = levels.find((x) => x.level === l);
              const on = l === level;
              return (
                <button key={l} type="button" className={`op-plan-level${on ? ' on' : ''}`} data-testid="op-plan-level" data-level={l} aria-pressed={on}
                  style={{ borderColor: on ? LEVEL_HEX[l] : undefined }} onClick={() => onChoose({ planId: plan.id, level: l })}>
                  <span className="op-level" style={{ background: LEVEL_HEX[l] }}>{t('operation.levelName', { numeral: levelNumeral(l), color: t(`operation.color.${l}`) })}</span>
                  {li && <b>{zh ? li.grade : li.gradeEn}</b>}
                  <span className="muted">{t('operation.home.levelTasks', { count: tasksFor(plan, l).length })}</span>
                  <span className="op-plan-level-when">{bi(plan.levels.find((x) => x.level === l)?.criteria.activate)}</span>
                </button>
              );
            })}
          </div>

          <div className="op-plan-scroll">
            <dl className="op-criteria" data-testid="op-plan-criteria">
              <div><dt>{t('operation.home.criteria.activate')}</dt><dd>{bi(planLevel?.criteria.activate)}</dd></div>
              {level > 1 && <div><dt>{t('operation.home.criteria.escalate')}</dt><dd>{bi(planLevel?.criteria.escalate)}</dd></div>}
              <div><dt>{t('operation.home.criteria.standDown')}</dt><dd>{bi(planLevel?.criteria.standDown)}</dd></div>
            </dl>

            <div className="op-plan-section">
              <h4>
                {t('operation.home.tasksAt', { numeral: levelNumeral(level) })}
                {info && <span className="muted"> · {zh ? info.grade : info.gradeEn}</span>}
                <span className="muted" data-testid="op-plan-task-count" data-count={inForce.length}>{t('operation.home.tasksCount', { count: inForce.length, added })}</span>
              </h4>
              <div className="op-plan-depts">
                {groups.map((g) => (
                  <div key={g.department} className="op-plan-dept" data-testid="op-plan-dept" data-department={g.department}>
                    <h5>{names.department(g.department)} <span className="muted">{g.tasks.length}</span></h5>
                    <ul>
                      {g.tasks.map((task) => (
                        <li key={task.id} data-testid="op-plan-task" data-task-id={task.id} className={task.level === level ? 'is-new' : ''}>
                          <span className="op-plan-task-title">{zh ? task.title : task.titleEn}</span>
                          <span className="op-plan-task-meta">
                            {task.required && <span className="op-required" title={t('operation.requiredHint')}>{t('operation.required')}</span>}
                            <span className="op-tag">{task.level === level ? t('operation.home.addedHere') : t('operation.home.fromLevel', { numeral: levelNumeral(task.level) })}</span>
                            <span className="muted">{t('operation.home.due', { minutes: task.dueMinutes })}</span>
                          </span>
                        </li>
                      ))}
                    </ul>
                  </div>
                ))}
              </div>
            </div>

            {(resources.length > 0 || notifications.length > 0) && (
              <div className="op-plan-split">
                {resources.length > 0 && (
                  <div className="op-plan-section">
                    <h4>{t('operation.home.resources')}</h4>
                    <ul className="op-plan-facts" data-testid="op-plan-resources">
                      {resources.map((r) => (
                        <li key={`${r.department}-${r.item}`}>
                          <span className="muted">{names.department(r.department)}</span>{' '}
                          {t('operation.home.resource', { item: zh ? r.item : r.itemEn, quantity: r.quantity, unit: zh ? r.unit : r.unitEn })}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {notifications.length > 0 && (
                  <div className="op-plan-section">
                    <h4>{t('operation.home.notifications')}</h4>
                    <ul className="op-plan-facts" data-testid="op-plan-notifications">
                      {notifications.map((n, i) => (
                        <li key={`${n.level}-${i}`}>{t('operation.home.notification', { minutes: n.withinMinutes, channel: t(`operation.home.channel.${n.channel}`), to: zh ? n.to : n.toEn })}</li>
                      ))}
                    </ul>
                  </div>
                )}
              </div>
            )}
          </div>

          <div className="op-plan-foot">
            {canActivate ? (
              <button type="button" className="primary danger" data-testid="op-plan-activate" data-plan-id={plan.id} data-level={level} onClick={onActivate}>
                {t('operation.home.activateAt', { numeral: levelNumeral(level) })}
              </button>
            ) : (
              <p className="op-hint" data-testid="op-plan-officer">{t('operation.home.activateOfficer')}</p>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
