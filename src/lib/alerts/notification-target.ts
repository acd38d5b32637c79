/**
 * Where a tap on an alert's system notification takes the user. Risk that may need a close now
 * (liquidation, margin, a stream down with positions open) opens the accounts overview, where the
 * close buttons are; news (a fill, a position opened or closed, funding ahead) opens the alert
 * list, where it is listed with its time.
 *
 * The service worker (static/sw-notification-click.js) accepts exactly these paths.
 */
import type { AlertKind } from './rules';

export type NotificationPath = '/accounts' | '/alerts';

/** What a notification carries for the service worker; nothing private (it is not encrypted). */
export interface NotificationData {
	path: NotificationPath;
}

const PATHS: readonly string[] = ['/accounts', '/alerts'] satisfies NotificationPath[];

export function isNotificationPath(value: unknown): value is NotificationPath {
	return typeof value === 'string' && PATHS.includes(value);
}

const ACT_NOW: ReadonlySet<AlertKind> = new Set(['liquidation', 'margin', 'stream']);

export function notificationTarget(kind: AlertKind): NotificationData {
	return { path: ACT_NOW.has(kind) ? '/accounts' : '/alerts' };
}
