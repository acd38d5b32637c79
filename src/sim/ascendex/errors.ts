/**
 * AscendEX's documented error codes ([PRO] "Error Code" tables, repeated in the notes §4.1) and
 * the one auth failure text the docs show ("Unable to find User Account Data").
 */
export interface AscendexError {
	code: number;
	reason: string;
	message: string;
}

function e(code: number, reason: string, message: string): AscendexError {
	return { code, reason, message };
}

export const ASC_ERRORS = {
	invalidHttpInput: e(100001, 'INVALID_HTTP_INPUT', 'Invalid HTTP input'),
	invalidRequestData: e(100004, 'INVALID_REQUEST_DATA', 'Invalid request data'),
	invalidWsRequestData: e(100005, 'INVALID_WS_REQUEST_DATA', 'Invalid WebSocket request data'),
	invalidArgument: e(100006, 'INVALID_ARGUMENT', 'Invalid argument'),
	symbolError: e(100008, 'SYMBOL_ERROR', 'Symbol does not exist or not valid for the request'),
	authorizationNeeded: e(
		100009,
		'AUTHORIZATION_NEEDED',
		'Authorization is required for the API access or request'
	),
	invalidTimestamp: e(100011, 'INVALID_TIMESTAMP', 'Not a valid timestamp'),
	invalidJson: e(150001, 'INVALID_JSON_FORMAT', 'Require a valid json object'),
	authenticationFailed: e(200001, 'AUTHENTICATION_FAILED', 'Authorization failed'),
	accountError: e(200006, 'ACCOUNT_ERROR', 'Unable to find User Account Data'),
	permissionDenied: e(200015, 'PERMISSION_DENIED', 'No enough permission for the operation'),
	invalidPrice: e(300001, 'INVALID_PRICE', 'Order price is invalid'),
	invalidQty: e(300002, 'INVALID_QTY', 'Order size is invalid'),
	invalidSide: e(300003, 'INVALID_SIDE', 'Order side is invalid'),
	invalidType: e(300005, 'INVALID_TYPE', 'Order type is invalid'),
	invalidOrderId: e(300006, 'INVALID_ORDER_ID', 'Order id is invalid'),
	invalidTimeInForce: e(300007, 'INVALID_TIME_IN_FORCE', 'Time in force is invalid'),
	invalidOrderParameter: e(300008, 'INVALID_ORDER_PARAMETER', 'Some order parameter is invalid'),
	invalidBalance: e(300011, 'INVALID_BALANCE', 'Not enough account balance'),
	invalidProduct: e(300012, 'INVALID_PRODUCT', 'Not a valid product supported by exchange'),
	tickSizeViolation: e(
		300014,
		'TICK_SIZE_VIOLATION',
		"Order price doesn't conform to the required tick size"
	),
	noMarketPrice: e(300031, 'NO_MARKET_PRICE', 'No market price')
} as const;

export class AscendexFailure extends Error {
	readonly error: AscendexError;
	readonly detail: string | undefined;

	constructor(error: AscendexError, detail?: string) {
		super(`${error.code} ${error.reason}`);
		this.error = error;
		this.detail = detail;
	}
}

export function fail(error: AscendexError, detail?: string): never {
	throw new AscendexFailure(error, detail);
}

/** Any documented code, for a fault that forces one. */
export function errorByCode(code: number): AscendexError {
	const known = Object.values(ASC_ERRORS).find((x) => x.code === code);
	if (!known) throw new Error(`simulator: ${code} is not a documented AscendEX error code`);
	return known;
}
