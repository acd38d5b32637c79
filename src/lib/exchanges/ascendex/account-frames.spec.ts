import { describe, expect, it } from 'vitest';
import { AccountFrames } from './account-frames';

const update = (sn: number, pos: string, b = '1000') => ({
	m: 'futures-account-update',
	e: 'ExecutionReport',
	t: 1612508562129,
	acc: 'acc1',
	at: 'FUTURES',
	sn,
	id: 'r177',
	col: [{ a: 'USDT', b, f: '1' }],
	pos: [
		{
			s: 'BTC-PERP',
			sd: 'LONG',
			pos,
			rc: '-385.8',
			up: '1.5',
			rp: '0',
			aop: '35041.36',
			mt: 'crossed',
			iw: '0',
			lev: '10'
		}
	]
});

const snapshot = (sn: number, pos = '0.011') => ({
	m: 'futures-account-snapshot',
	id: 'x',
	e: 'ClientRequest',
	t: 1,
	acc: 'acc1',
	ac: 'FUTURES',
	sn,
	col: [{ a: 'USDT', b: '1000', f: '1' }],
	pos: [
		{
			s: 'BTC-PERP',
			sd: 'LONG',
			pos,
			rc: '-385.8',
			up: '18.5',
			rp: '0',
			aop: '35041.36',
			mt: 'crossed',
			iw: '0',
			lev: '10'
		}
	]
});

const noOrders = { m: 'futures-open-orders', code: 0, id: 'y', ac: 'FUTURES', data: [] };

function sizes(frames: AccountFrames, msg: unknown): string[] {
	return frames
		.handle(msg)
		.flatMap((e) => (e.type === 'position' ? [`${e.position.side}:${e.position.size}`] : []));
}

describe('AscendEX account frames: sn ordering', () => {
	it('applies updates newer than the snapshot and ignores older or repeated ones', () => {
		const frames = new AccountFrames('a1', () => 5);
		const snap = frames.snapshot(snapshot(100), noOrders);
		expect(snap.positions.map((p) => [p.side, p.size])).toEqual([['long', '0.011']]);
		expect(frames.sn).toBe(100);

		expect(sizes(frames, update(99, '0.5'))).toEqual([]);
		expect(sizes(frames, update(100, '0.5'))).toEqual([]);
		expect(sizes(frames, update(102, '0.02'))).toEqual(['long:0.02']);
		// Arrived late: older than what was applied, so it must not roll the position back.
		expect(sizes(frames, update(101, '0.5'))).toEqual([]);
		expect(sizes(frames, update(102, '0.5'))).toEqual([]);
		expect(sizes(frames, update(103, '-0.004'))).toEqual(['short:0.004']);
		expect(frames.sn).toBe(103);
	});

	it('a fresh snapshot (after a reconnect) sets the floor again', () => {
		const frames = new AccountFrames('a1');
		frames.snapshot(snapshot(10), noOrders);
		expect(sizes(frames, update(20, '1'))).toEqual(['long:1']);
		frames.snapshot(snapshot(30, '2'), noOrders);
		expect(sizes(frames, update(25, '9'))).toEqual([]);
		expect(sizes(frames, update(31, '3'))).toEqual(['long:3']);
	});

	it('shows no margin for a cross position (none on the wire), and iw for an isolated one', () => {
		const frames = new AccountFrames('a1');
		const cross = frames.snapshot(snapshot(1), noOrders).positions[0];
		expect(cross.marginMode).toBe('cross');
		expect(cross.margin).toBe('');
		const isolatedSnap = snapshot(2);
		Object.assign(isolatedSnap.pos[0], { mt: 'isolated', iw: '41.25' });
		const isolated = frames.snapshot(isolatedSnap, noOrders).positions[0];
		expect(isolated.marginMode).toBe('isolated');
		expect(isolated.margin).toBe('41.25');
	});

	it('reports a flat position as closed on both sides (a net position names no side)', () => {
		const frames = new AccountFrames('a1');
		expect(sizes(frames, update(1, '0'))).toEqual(['long:0', 'short:0']);
	});

	it('sends the balance, not a made-up equity, from an update', () => {
		const frames = new AccountFrames('a1', () => 7);
		const balances = frames.handle(update(1, '1', '1234.5')).filter((e) => e.type === 'balance');
		expect(balances).toEqual([
			{ type: 'balance', balance: { asset: 'USDT', available: '1234.5', updatedAt: 7 } }
		]);
	});

	it('marks order frames of a tracked client id as that intent', () => {
		const frames = new AccountFrames('a1');
		frames.track('perchabcdefghij0123456789xyz');
		const [event] = frames.handle({
			m: 'futures-order',
			sn: 1,
			e: 'ExecutionReport',
			a: 'acc',
			ac: 'FUTURES',
			t: 2,
			ct: 1,
			orderId: 's17612345U123456789456789xyz',
			sd: 'Sell',
			ot: 'Market',
			q: '0.01',
			p: '0',
			s: 'BTC-PERP',
			st: 'Filled',
			lp: '50000',
			lq: '0.01',
			ap: '50000',
			cfq: '0.01',
			f: '0.1',
			cf: '0.1',
			fa: 'USDT',
			ei: 'ReduceOnly',
			err: ''
		});
		expect(event).toMatchObject({
			type: 'order',
			order: {
				clientOrderId: 'perchabcdefghij0123456789xyz',
				side: 'sell',
				reduceOnly: true,
				status: 'filled',
				size: '0.01',
				filledSize: '0.01'
			}
		});
	});
});
