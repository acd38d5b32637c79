import { describe, expect, it } from 'vitest';
import { notificationTarget } from './notification-target';

describe('notificationTarget', () => {
	it('risk that may need a close opens the accounts overview', () => {
		expect(notificationTarget('liquidation')).toEqual({ path: '/accounts' });
		expect(notificationTarget('margin')).toEqual({ path: '/accounts' });
		expect(notificationTarget('stream')).toEqual({ path: '/accounts' });
	});

	it('news opens the alert list', () => {
		expect(notificationTarget('fill')).toEqual({ path: '/alerts' });
		expect(notificationTarget('position')).toEqual({ path: '/alerts' });
		expect(notificationTarget('funding')).toEqual({ path: '/alerts' });
	});
});
