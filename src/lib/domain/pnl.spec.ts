import { describe, expect, it } from 'vitest';
import { DecimalFormatError } from './decimal';
import {
	baseQuantity,
	liquidationDistance,
	marginUsage,
	notional,
	roe,
	unrealizedPnl
} from './pnl';

describe('baseQuantity', () => {
	it.each([
		// 12 × 0.001 = 0.012
		['12', '0.001', '0.012'],
		// 3 × 0.1 = 0.3 (the float product is 0.30000000000000004)
		['3', '0.1', '0.3'],
		// 250 × 10 = 2500
		['250', '10', '2500'],
		// 1.5 × 0.0001 = 0.00015
		['1.5', '0.0001', '0.00015'],
		['0', '0.001', '0'],
		// 7 × 1e-5 = 0.00007
		['7', '1e-5', '0.00007']
	])('%s contracts of %s is %s base', (size, contractSize, expected) => {
		expect(baseQuantity(size, contractSize)).toBe(expected);
	});

	it('throws on malformed input', () => {
		expect(() => baseQuantity('abc', '1')).toThrow(DecimalFormatError);
	});
});

describe('notional', () => {
	it('is size × contractSize × price', () => {
		// 12 × 0.001 × 65000 = 780
		expect(notional('12', '0.001', '65000')).toBe(780);
		// 3 × 0.1 × 3000.5 = 900.15
		expect(notional('3', '0.1', '3000.5')).toBe(900.15);
		// 100 × 10 × 0.1234 = 123.4
		expect(notional('100', '10', '0.1234')).toBe(123.4);
		expect(notional('0', '0.001', '65000')).toBe(0);
	});
});

describe('unrealizedPnl', () => {
	it('long gains when the mark rises', () => {
		// qty = 10 × 0.001 = 0.01; (61000.5 − 60000) × 0.01 = 1000.5 × 0.01 = 10.005
		expect(
			unrealizedPnl({
				side: 'long',
				size: '10',
				contractSize: '0.001',
				entry: '60000',
				mark: '61000.5'
			})
		).toBe(10.005);
	});

	it('long loses when the mark falls', () => {
		// qty = 3 × 0.1 = 0.3; (2950 − 3000) × 0.3 = −50 × 0.3 = −15
		expect(
			unrealizedPnl({ side: 'long', size: '3', contractSize: '0.1', entry: '3000', mark: '2950' })
		).toBe(-15);
	});

	it('short gains when the mark falls', () => {
		// qty = 3 × 0.1 = 0.3; (3000 − 2950) × 0.3 = 15
		expect(
			unrealizedPnl({ side: 'short', size: '3', contractSize: '0.1', entry: '3000', mark: '2950' })
		).toBe(15);
	});

	it('short loses when the mark rises', () => {
		// qty = 10 × 0.001 = 0.01; (60000 − 61000.5) × 0.01 = −10.005
		expect(
			unrealizedPnl({
				side: 'short',
				size: '10',
				contractSize: '0.001',
				entry: '60000',
				mark: '61000.5'
			})
		).toBe(-10.005);
	});

	it('is exact where floats are not', () => {
		// qty = 1 × 1 = 1; (0.3 − 0.1) × 1 = 0.2, while the float 0.3 − 0.1 is 0.19999999999999998
		expect(0.3 - 0.1).not.toBe(0.2);
		expect(
			unrealizedPnl({ side: 'long', size: '1', contractSize: '1', entry: '0.1', mark: '0.3' })
		).toBe(0.2);
	});

	it('is zero at the entry price, without a negative zero', () => {
		const pnl = unrealizedPnl({
			side: 'short',
			size: '5',
			contractSize: '0.01',
			entry: '100',
			mark: '100'
		});
		expect(Object.is(pnl, 0)).toBe(true);
	});

	it('throws on malformed prices', () => {
		expect(() =>
			unrealizedPnl({ side: 'long', size: '1', contractSize: '1', entry: 'NaN', mark: '1' })
		).toThrow(DecimalFormatError);
	});
});

describe('roe', () => {
	it('is uPnL divided by margin, as a fraction', () => {
		// 25 / 100 = 0.25
		expect(roe(25, '100')).toBe(0.25);
		// −15 / 60 = −0.25
		expect(roe(-15, '60')).toBe(-0.25);
		// "250" / "1000" = 0.25
		expect(roe('250', '1000')).toBe(0.25);
		// 10.005 / 50 = 0.2001
		expect(roe(10.005, '50')).toBeCloseTo(0.2001, 12);
		expect(roe(0, '50')).toBe(0);
	});

	it('has no value for a position without a margin of its own', () => {
		expect(roe(25, '')).toBeNull();
	});

	it('is null without margin', () => {
		expect(roe(10, '0')).toBeNull();
		expect(roe(10, 0)).toBeNull();
		expect(roe(10, '0.000')).toBeNull();
		expect(roe(10, '-5')).toBeNull();
	});

	it('throws on malformed input', () => {
		expect(() => roe(NaN, '1')).toThrow(DecimalFormatError);
		expect(() => roe(1, 'abc')).toThrow(DecimalFormatError);
	});
});

describe('liquidationDistance', () => {
	it('long: the mark may fall to the liquidation price', () => {
		// (60000 − 45000) / 60000 = 15000 / 60000 = 0.25
		expect(liquidationDistance({ side: 'long', mark: '60000', liquidation: '45000' })).toBe(0.25);
	});

	it('short: the mark may rise to the liquidation price', () => {
		// (75000 − 60000) / 60000 = 0.25
		expect(liquidationDistance({ side: 'short', mark: '60000', liquidation: '75000' })).toBe(0.25);
	});

	it('is negative once the mark is past the liquidation price', () => {
		// long: (40000 − 45000) / 40000 = −0.125
		expect(liquidationDistance({ side: 'long', mark: '40000', liquidation: '45000' })).toBe(-0.125);
		// short: (75000 − 80000) / 80000 = −0.0625
		expect(liquidationDistance({ side: 'short', mark: '80000', liquidation: '75000' })).toBe(
			-0.0625
		);
	});

	it('is zero at the liquidation price', () => {
		expect(liquidationDistance({ side: 'long', mark: '45000', liquidation: '45000' })).toBe(0);
	});

	it('keeps precision on small moves', () => {
		// (100.3 − 100.1) / 100.3 = 0.2 / 100.3 = 0.00199401794...
		expect(liquidationDistance({ side: 'long', mark: '100.3', liquidation: '100.1' })).toBeCloseTo(
			0.001994017946161515,
			15
		);
	});

	it('is null without a liquidation price or mark', () => {
		expect(liquidationDistance({ side: 'long', mark: '60000' })).toBeNull();
		expect(liquidationDistance({ side: 'long', mark: '60000', liquidation: '' })).toBeNull();
		expect(liquidationDistance({ side: 'long', mark: '60000', liquidation: '0' })).toBeNull();
		expect(liquidationDistance({ side: 'short', mark: '60000', liquidation: '0.00' })).toBeNull();
		expect(liquidationDistance({ side: 'long', mark: '60000', liquidation: '-12' })).toBeNull();
		expect(liquidationDistance({ side: 'long', mark: '', liquidation: '45000' })).toBeNull();
		expect(liquidationDistance({ side: 'long', mark: '0', liquidation: '45000' })).toBeNull();
	});

	it('throws on malformed numbers', () => {
		expect(() => liquidationDistance({ side: 'long', mark: '1', liquidation: 'abc' })).toThrow(
			DecimalFormatError
		);
	});
});

describe('marginUsage', () => {
	it('is position margin over equity', () => {
		// 250 / 1000 = 0.25
		expect(marginUsage('250', '1000')).toBe(0.25);
		// 1500 / 1000 = 1.5 (more margin than equity: the account is under water)
		expect(marginUsage('1500', '1000')).toBe(1.5);
		expect(marginUsage('0', '1000')).toBe(0);
	});

	it('is null when equity is zero or below', () => {
		expect(marginUsage('10', '0')).toBeNull();
		expect(marginUsage('10', '-3')).toBeNull();
	});
});
