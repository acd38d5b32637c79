import { describe, expect, it } from 'vitest';
import {
	DecimalFormatError,
	addDecimals,
	compareDecimals,
	decimalsOf,
	floorDiv,
	floorToStep,
	formatDecimal,
	isDecimalString,
	mulDecimals,
	normalizeScaled,
	parseDecimal,
	subDecimals,
	toDecimalString,
	toNumber,
	toScaled
} from './decimal';

describe('parseDecimal', () => {
	it.each([
		['0', 0n, 0],
		['123', 123n, 0],
		['-0.5', -5n, 1],
		['+1.50', 150n, 2],
		['.5', 5n, 1],
		['5.', 5n, 0],
		['0.00001', 1n, 5],
		['1e-5', 1n, 5],
		['1E-5', 1n, 5],
		// 2.5e3 = 25 × 10^(3-1) = 2500
		['2.5e3', 2500n, 0],
		['2.5e+1', 25n, 0],
		// 12.34e-1 = 1234 / 10^(2+1) = 1.234
		['12.34e-1', 1234n, 3],
		['-7e2', -700n, 0],
		['000123.4500', 1234500n, 4],
		['98765432109876543210.123456789', 98765432109876543210123456789n, 9]
	])('reads %s', (text, int, scale) => {
		expect(parseDecimal(text)).toEqual({ int, scale });
	});

	it.each([
		'',
		'abc',
		'1.2.3',
		'NaN',
		'Infinity',
		'-',
		'.',
		'e5',
		'1e',
		' 1',
		'1 ',
		'1,5',
		'0x10',
		'--1',
		'1e5.5'
	])('rejects %j with a DecimalFormatError', (text) => {
		expect(() => parseDecimal(text)).toThrow(DecimalFormatError);
		expect(() => parseDecimal(text)).toThrow(/^Not a decimal number: /);
	});

	it('names the bad input in the message', () => {
		expect(() => parseDecimal('abc')).toThrow('Not a decimal number: "abc"');
		expect(() => parseDecimal('')).toThrow('Not a decimal number: ""');
	});

	it('rejects non-strings that slip through from untyped JSON', () => {
		expect(() => parseDecimal(undefined as unknown as string)).toThrow(
			'Not a decimal number: undefined'
		);
		expect(() => parseDecimal(12 as unknown as string)).toThrow('Not a decimal number: 12');
	});

	it('refuses absurd exponents instead of building a huge BigInt', () => {
		expect(() => parseDecimal('1e999999999')).toThrow('Exponent out of range in "1e999999999"');
		expect(parseDecimal('1e1000').int).toBe(10n ** 1000n);
	});
});

describe('isDecimalString', () => {
	it('accepts what parseDecimal accepts and nothing else', () => {
		expect(isDecimalString('1.5')).toBe(true);
		expect(isDecimalString('1e-5')).toBe(true);
		expect(isDecimalString('NaN')).toBe(false);
		expect(isDecimalString('')).toBe(false);
		expect(isDecimalString(1.5)).toBe(false);
		expect(isDecimalString(null)).toBe(false);
	});
});

describe('toScaled', () => {
	it('reads numbers through their shortest text, so 0.1 is exactly one tenth', () => {
		expect(toScaled(0.1)).toEqual({ int: 1n, scale: 1 });
		expect(toScaled(1e-7)).toEqual({ int: 1n, scale: 7 });
		expect(toScaled(-0)).toEqual({ int: 0n, scale: 0 });
		expect(toScaled('2.50')).toEqual({ int: 250n, scale: 2 });
	});

	it('rejects NaN and infinities', () => {
		expect(() => toScaled(NaN)).toThrow('Not a finite number: NaN');
		expect(() => toScaled(Infinity)).toThrow('Not a finite number: Infinity');
	});
});

describe('toDecimalString and normalizeScaled', () => {
	it.each([
		[{ int: 0n, scale: 3 }, '0'],
		[{ int: 1500n, scale: 3 }, '1.5'],
		[{ int: -5n, scale: 3 }, '-0.005'],
		[{ int: 120n, scale: 0 }, '120'],
		[{ int: -0n, scale: 2 }, '0'],
		[{ int: 123456789n, scale: 4 }, '12345.6789']
	])('prints %o as %s', (d, text) => {
		expect(toDecimalString(d)).toBe(text);
	});

	it('strips trailing fractional zeros only', () => {
		expect(normalizeScaled({ int: 1500n, scale: 3 })).toEqual({ int: 15n, scale: 1 });
		expect(normalizeScaled({ int: 1500n, scale: 0 })).toEqual({ int: 1500n, scale: 0 });
	});

	it('round-trips canonical strings', () => {
		for (const text of ['0', '1', '-1', '0.001', '123.456', '-98765.4321']) {
			expect(toDecimalString(parseDecimal(text))).toBe(text);
		}
	});
});

describe('compareDecimals', () => {
	it.each([
		['1', '1.000', 0],
		['0.1', '0.10000001', -1],
		['-1', '-2', 1],
		['1e2', '99.999', 1],
		['-0', '0', 0],
		['123456789012345678901234567890', '123456789012345678901234567891', -1]
	])('compares %s with %s', (a, b, expected) => {
		expect(compareDecimals(a, b)).toBe(expected);
	});
});

describe('addDecimals, subDecimals, mulDecimals', () => {
	it('adds without float error', () => {
		// the float sum 0.1 + 0.2 is 0.30000000000000004; exact: 1/10 + 2/10 = 3/10
		expect(addDecimals('0.1', '0.2')).toBe('0.3');
		// 1.005 + 2.995 = 4.000
		expect(addDecimals('1.005', '2.995')).toBe('4');
		expect(addDecimals('-5.5', '2.25')).toBe('-3.25');
		expect(addDecimals('1e-5', '1')).toBe('1.00001');
	});

	it('subtracts', () => {
		// 65000.5 - 64999.75 = 0.75
		expect(subDecimals('65000.5', '64999.75')).toBe('0.75');
		expect(subDecimals('0.3', '0.1')).toBe('0.2');
		expect(subDecimals('1', '1.0000')).toBe('0');
		expect(subDecimals('1', '3')).toBe('-2');
	});

	it('multiplies', () => {
		// 12 contracts × 0.001 BTC = 0.012 BTC
		expect(mulDecimals('12', '0.001')).toBe('0.012');
		// 1.1 × 1.1 = 1.21 (the float product is 1.2100000000000002)
		expect(mulDecimals('1.1', '1.1')).toBe('1.21');
		expect(mulDecimals('-2.5', '4')).toBe('-10');
		expect(mulDecimals('0', '-3')).toBe('0');
		// 123456789 × 987654321 = 121932631112635269
		expect(mulDecimals('123456789', '987654321')).toBe('121932631112635269');
	});

	it('throws on malformed operands', () => {
		expect(() => addDecimals('1', 'abc')).toThrow(DecimalFormatError);
		expect(() => mulDecimals('NaN', '1')).toThrow(DecimalFormatError);
	});
});

describe('floorDiv', () => {
	it('rounds toward minus infinity', () => {
		expect(floorDiv(7n, 2n)).toBe(3n);
		expect(floorDiv(-7n, 2n)).toBe(-4n);
		expect(floorDiv(7n, -2n)).toBe(-4n);
		expect(floorDiv(-6n, 2n)).toBe(-3n);
	});
});

describe('floorToStep', () => {
	it.each([
		['1.2345', '0.01', '1.23'],
		['1.239999', '0.01', '1.23'],
		['0.75', '1', '0'],
		['3', '1', '3'],
		['12', '1', '12'],
		// 7 / 5 = 1.4 → 1 step → 5
		['7', '5', '5'],
		// 1.26 / 0.25 = 5.04 → 5 steps → 1.25
		['1.26', '0.25', '1.25'],
		['0.000019', '1e-5', '0.00001'],
		['100', '0.001', '100'],
		// -1.21 / 0.1 = -12.1 → floor -13 → -1.3
		['-1.21', '0.1', '-1.3'],
		['5e-1', '1', '0']
	])('floors %s to step %s → %s', (value, step, expected) => {
		expect(floorToStep(value, step)).toBe(expected);
	});

	it('refuses a zero or negative step', () => {
		expect(() => floorToStep('1', '0')).toThrow('Step must be above zero: 0');
		expect(() => floorToStep('1', '-0.1')).toThrow('Step must be above zero: -0.1');
	});

	it('refuses malformed input', () => {
		expect(() => floorToStep('1.2.3', '1')).toThrow(DecimalFormatError);
		expect(() => floorToStep('1', '')).toThrow(DecimalFormatError);
	});
});

describe('decimalsOf', () => {
	it.each([
		['0.01', 2],
		['1', 0],
		['0.00001', 5],
		['1e-5', 5],
		['0.010', 2],
		['10', 0],
		['5e2', 0],
		['0.5', 1],
		['2.5E-3', 4]
	])('%s has %i decimals', (step, decimals) => {
		expect(decimalsOf(step)).toBe(decimals);
	});

	it('rejects malformed steps', () => {
		expect(() => decimalsOf('abc')).toThrow('Not a decimal number: "abc"');
	});
});

describe('toNumber', () => {
	it('gives the nearest double', () => {
		expect(toNumber('0.1')).toBe(0.1);
		expect(toNumber('-2.50')).toBe(-2.5);
		expect(toNumber('1e-5')).toBe(0.00001);
		expect(toNumber({ int: 125n, scale: 2 })).toBe(1.25);
	});
});

describe('formatDecimal', () => {
	it('pads and rounds to the requested decimals', () => {
		expect(formatDecimal('1.5', 2)).toBe('1.50');
		expect(formatDecimal('1.234', 2)).toBe('1.23');
		// half away from zero: 1.235 → 1.24, -1.235 → -1.24
		expect(formatDecimal('1.235', 2)).toBe('1.24');
		expect(formatDecimal('-1.235', 2)).toBe('-1.24');
		expect(formatDecimal('0.995', 2)).toBe('1.00');
		expect(formatDecimal('9.5', 0)).toBe('10');
		expect(formatDecimal('123', 0)).toBe('123');
		expect(formatDecimal('0.00001', 5)).toBe('0.00001');
	});

	it('rounds the exact decimal, not its float', () => {
		// the double nearest 1.005 is 1.00499999999999989..., so (1.005).toFixed(2) is "1.00"
		expect((1.005).toFixed(2)).toBe('1.00');
		expect(formatDecimal('1.005', 2)).toBe('1.01');
		expect(formatDecimal(1.005, 2)).toBe('1.01');
	});

	it('accepts numbers, including exponent forms', () => {
		expect(formatDecimal(0.1 + 0.2, 2)).toBe('0.30');
		expect(formatDecimal(1e-7, 8)).toBe('0.00000010');
		expect(formatDecimal(1.5e21, 0)).toBe('1500000000000000000000');
		expect(formatDecimal(-42, 1)).toBe('-42.0');
	});

	it('adds a plus sign on request, and never signs zero', () => {
		expect(formatDecimal('12.3', 2, { sign: true })).toBe('+12.30');
		expect(formatDecimal('-12.3', 2, { sign: true })).toBe('-12.30');
		expect(formatDecimal('0', 2, { sign: true })).toBe('0.00');
		expect(formatDecimal('-0.001', 2, { sign: true })).toBe('0.00');
		expect(formatDecimal('-0.001', 2)).toBe('0.00');
		expect(formatDecimal('0.004', 2, { sign: true })).toBe('0.00');
	});

	it('groups thousands on request', () => {
		expect(formatDecimal('1234567.891', 2, { grouping: true })).toBe('1,234,567.89');
		expect(formatDecimal('-1234.5', 1, { grouping: true, sign: true })).toBe('-1,234.5');
		expect(formatDecimal('999.999', 2, { grouping: true })).toBe('1,000.00');
		expect(formatDecimal('100', 0, { grouping: true })).toBe('100');
		expect(formatDecimal('1000000', 0, { grouping: true, sign: true })).toBe('+1,000,000');
		expect(formatDecimal('1234567.891', 2)).toBe('1234567.89');
	});

	it('rejects malformed values and decimals', () => {
		expect(() => formatDecimal('abc', 2)).toThrow('Not a decimal number: "abc"');
		expect(() => formatDecimal(NaN, 2)).toThrow('Not a finite number: NaN');
		expect(() => formatDecimal('1', -1)).toThrow(/^Decimals must be a whole number/);
		expect(() => formatDecimal('1', 1.5)).toThrow(/^Decimals must be a whole number/);
	});
});
