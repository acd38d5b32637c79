import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type AlertRule } from '$lib/alerts/rules';
import { getAlertRules, putAlertRules, ALERT_RULES_KEY } from './alert-rules-repo';
import { openPerchDB } from './open';
import { putSetting } from './settings-repo';

let n = 0;
const fresh = () => openPerchDB(`alert-rules-${n++}`);

describe('alert rules storage', () => {
	it('starts with the defaults: liquidation distance below 10 %', async () => {
		const db = await fresh();
		const rules = await getAlertRules(db);
		expect(rules).toEqual(DEFAULT_RULES);
		expect(rules.find((r) => r.kind === 'liquidation')).toMatchObject({
			belowPercent: 10,
			enabled: true
		});
	});

	it('keeps what was saved across opens', async () => {
		const name = `alert-rules-${n++}`;
		const db = await openPerchDB(name);
		const rules: AlertRule[] = [
			{
				id: 'x',
				kind: 'liquidation',
				enabled: true,
				accountId: 'a1',
				symbol: 'BTCUSDT',
				belowPercent: 4
			}
		];
		await putAlertRules(db, rules);
		db.close();
		expect(await getAlertRules(await openPerchDB(name))).toEqual(rules);
	});

	it('drops invalid rules and falls back to the defaults on a broken record', async () => {
		const db = await fresh();
		await putSetting(db, ALERT_RULES_KEY, [
			{ id: 'bad', kind: 'liquidation', enabled: true, accountId: null, belowPercent: -3 },
			{ id: 'ok', kind: 'stream', enabled: false, accountId: null, downSeconds: 5 }
		]);
		expect((await getAlertRules(db)).map((r) => r.id)).toEqual(['ok']);
		await putSetting(db, ALERT_RULES_KEY, 'garbage');
		expect(await getAlertRules(db)).toEqual(DEFAULT_RULES);
	});
});
