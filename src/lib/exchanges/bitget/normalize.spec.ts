import { describe, expect, it } from 'vitest';
import { planClose } from '$lib/domain/close-planner';
import { position } from '$lib/testing/fixtures';
import { sizeRulesOf } from '$lib/exchanges/registry';
import { normalizeContract, priceTickOf, sizeStepOf } from './normalize';

/** The demo contract of the seed docs ("Get Demo Trading Symbol Config"). */
const SBTC = {
	baseCoin: 'SBTC',
	minTradeNum: '0.001',
	priceEndStep: '5',
	pricePlace: '1',
	quoteCoin: 'SUSDT',
	sizeMultiplier: '0.001',
	supportMarginCoins: ['SUSDT'],
	symbol: 'SBTCSUSDT',
	symbolStatus: 'normal',
	symbolType: 'perpetual',
	volumePlace: '3',
	fundInterval: ''
};

describe('contract metadata', () => {
	it('tick = priceEndStep × 10^-pricePlace', () => {
		expect(priceTickOf('1', '5')).toBe('0.5');
		expect(priceTickOf('2', '1')).toBe('0.01');
		expect(priceTickOf('0', '1')).toBe('1');
		expect(priceTickOf('4', '25')).toBe('0.0025');
	});

	it('size step from sizeMultiplier, never finer than volumePlace', () => {
		expect(sizeStepOf('3', '0.001')).toBe('0.001');
		expect(sizeStepOf('2', '0.05')).toBe('0.05');
		expect(sizeStepOf('0', '1')).toBe('1');
		expect(sizeStepOf('3', '0.0001')).toBe('0.001');
		expect(sizeStepOf('1', undefined)).toBe('0.1');
	});

	it("normalizes the docs' demo contract: sizes in base coin, contract size 1", () => {
		expect(normalizeContract(SBTC)).toEqual({
			venue: 'bitget',
			symbol: 'SBTCSUSDT',
			base: 'SBTC',
			quote: 'SUSDT',
			settle: 'SUSDT',
			contractSize: '1',
			priceTick: '0.5',
			sizeStep: '0.001',
			minSize: '0.001',
			maxSize: '',
			linear: true,
			fundingIntervalHours: undefined,
			trading: true
		});
	});

	it('takes minTradeNum as the minimum when it is above the step', () => {
		const c = normalizeContract({ ...SBTC, minTradeNum: '0.010', sizeMultiplier: '0.001' });
		expect(c.minSize).toBe('0.01');
		expect(normalizeContract({ ...SBTC, symbolStatus: 'maintain' }).trading).toBe(false);
	});

	it('gives the planner what it needs to round a 25 % close down to the size step', () => {
		const instrument = normalizeContract({ ...SBTC, symbol: 'BTCUSDT' });
		const rules = sizeRulesOf('bitget');
		const plan = planClose({
			position: position({ size: '0.123', marginMode: 'cross' }),
			instrument,
			fraction: 0.25,
			rules
		});
		expect(plan.ok).toBe(true);
		if (!plan.ok) return;
		// 0.123 × 25 % = 0.03075, rounded down to the 0.001 step: 0.030, never the nearer 0.031.
		expect(plan.order.size).toBe('0.03');
		const whole = planClose({
			position: position({ size: '0.123' }),
			instrument,
			fraction: 1,
			rules
		});
		expect(whole.ok && whole.order.size).toBe('0.123');
	});
});
