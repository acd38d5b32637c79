/** Alert rules live in the settings store (non-secret): no schema step needed. */
import { DEFAULT_RULES, validRules, type AlertRule } from '$lib/alerts/rules';
import type { PerchDatabase } from './open';
import { getSetting, putSetting } from './settings-repo';

export const ALERT_RULES_KEY = 'alertRules.v1';
export const ALERT_NOTIFY_KEY = 'alertNotify.v1';

/** The stored rules, or the defaults when none were saved (or the record is unreadable). */
export async function getAlertRules(db: PerchDatabase): Promise<AlertRule[]> {
	const stored = validRules(await getSetting<unknown>(db, ALERT_RULES_KEY, null));
	return stored ?? DEFAULT_RULES.map((r) => ({ ...r }));
}

export async function putAlertRules(db: PerchDatabase, rules: AlertRule[]): Promise<void> {
	await putSetting(db, ALERT_RULES_KEY, rules);
}

/** Whether the user chose system notifications (the browser's permission is asked separately). */
export async function getAlertNotify(db: PerchDatabase): Promise<boolean> {
	return (await getSetting<unknown>(db, ALERT_NOTIFY_KEY, false)) === true;
}

export async function putAlertNotify(db: PerchDatabase, on: boolean): Promise<void> {
	await putSetting(db, ALERT_NOTIFY_KEY, on);
}
