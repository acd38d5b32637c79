/**
 * Bitget's REST answers for failures: HTTP status, string `code`, `msg`.
 *
 * Sources: the protocol notes (40099, 429) and, for the codes the notes do not list, the messages
 * Bitget returns as catalogued by ccxt's `bitget.js` exception table and the `bitget-api` SDK's
 * `API_ERROR_CODE`. Bitget answers these with HTTP 400; rate limits with HTTP 429.
 */
export interface BitgetError {
	readonly status: number;
	readonly code: string;
	readonly msg: string;
}

function e(code: string, msg: string, status = 400): BitgetError {
	return { status, code, msg };
}

export const BG = {
	keyEmpty: e('40001', 'ACCESS_KEY cannot be empty'),
	signEmpty: e('40002', 'ACCESS_SIGN cannot be empty'),
	timestampEmpty: e('40003', 'ACCESS_TIMESTAMP cannot be empty'),
	timestampInvalid: e('40005', 'Invalid ACCESS_TIMESTAMP'),
	keyInvalid: e('40006', 'Invalid ACCESS_KEY'),
	contentType: e('40007', 'Invalid Content_Type, please use application/json format'),
	timestampExpired: e('40008', 'Request timestamp expired'),
	signWrong: e('40009', 'sign signature error'),
	passphraseEmpty: e('40011', 'ACCESS_PASSPHRASE cannot be empty'),
	passphraseWrong: e('40012', 'apikey/password is incorrect'),
	environment: e('40099', 'exchange environment is incorrect'),
	notFound: e('40404', 'Request URL NOT FOUND', 404),
	tooMany: e('429', 'Too Many Requests', 429),
	symbolUnknown: e('40102', 'Contract configuration does not exist, please check the parameters'),
	bodyNotJson: e('40017', 'Parameter verification failed'),
	orderNotFound: e(
		'40109',
		'The data of the order cannot be found, please confirm the order number'
	),
	cancelNotFound: e('40768', 'Order does not exist'),
	clientOidInvalid: e(
		'40305',
		'Client_oid length is not greater than 50, and cannot be Martian characters'
	),
	clientOidDuplicate: e('40786', 'Duplicate clientOid'),
	balance: e('40762', 'The order amount exceeds the balance'),
	minimum: e('43006', 'The order quantity is less than the minimum'),
	minimumNotional: (usdt: string) => e('45110', `less than the minimum amount ${usdt} USDT`),
	positionNotEnough: e('40757', 'Not enough position is available'),
	noPosition: e('22002', 'No position to close'),
	noOrderToCancel: e('22001', 'No order to cancel'),
	modeMismatch: e(
		'40774',
		'The order type for unilateral position must also be the unilateral position type.'
	),
	priceScale: e('41103', 'param price scale error error'),
	modeLocked: e('40920', 'Position or order exists, the position mode cannot be switched'),
	empty: (name: string) => e('40019', `Parameter ${name} cannot be empty`),
	invalid: (name: string, value: unknown) =>
		e('40020', `Parameter ${name} error value=${String(value)}`),
	sizeScale: (value: string, scale: number) =>
		e(
			'40808',
			`Parameter verification exception size checkBDScale error value=${value} checkScale=${scale}`
		),
	sizeMultiple: (value: string, multiplier: string) =>
		e('40808', `Parameter verification exception size value=${value} multiplier=${multiplier}`)
} as const;

export class BitgetRestError extends Error {
	readonly error: BitgetError;

	constructor(error: BitgetError) {
		super(`${error.code} ${error.msg}`);
		this.error = error;
	}
}

/** Every documented code a test may force with `rejectNext`. */
export function bitgetErrorByCode(code: string): BitgetError {
	for (const value of Object.values(BG)) {
		if (typeof value === 'object' && value.code === code) return value;
	}
	return e(code, 'simulated failure');
}
