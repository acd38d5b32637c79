/** BitMart's documented error codes, messages and HTTP statuses (docs: "Error Code"). */
export const ERRORS = {
	notFound: { code: 30000, message: 'Not found', status: 404 },
	keyEmpty: { code: 30001, message: 'Header X-BM-KEY is empty', status: 401 },
	keyNotFound: { code: 30002, message: 'Header X-BM-KEY not found', status: 401 },
	signEmpty: { code: 30004, message: 'Header X-BM-SIGN is empty', status: 401 },
	signWrong: { code: 30005, message: 'Header X-BM-SIGN is wrong', status: 401 },
	timestampEmpty: { code: 30006, message: 'Header X-BM-TIMESTAMP is empty', status: 401 },
	timestampRange: {
		code: 30007,
		message: 'Header X-BM-TIMESTAMP range. Within a minute',
		status: 401
	},
	timestampFormat: { code: 30008, message: 'Header X-BM-TIMESTAMP invalid format', status: 401 },
	tooManyRequests: { code: 30013, message: 'Request too many requests', status: 429 },
	bodyNotJson: { code: 30018, message: 'Request Body requires JSON format', status: 503 },
	parseParameter: { code: 40007, message: 'Parse parameter error', status: 400 },
	positionClosed: { code: 40018, message: 'Your position is closed', status: 400 },
	positionVolumeNotEnough: {
		code: 40020,
		message: 'Your position volume is not enough',
		status: 400
	},
	positionNotExist: { code: 40021, message: 'The position is not exsit', status: 400 },
	balanceNotEnough: {
		code: 40027,
		message: 'You contract account available balance not enough',
		status: 400
	},
	leverageTooLarge: { code: 40029, message: "The order's leverage is too large.", status: 400 },
	symbolNotExist: { code: 40034, message: 'The Symbol is not exist', status: 400 },
	orderNotExist: { code: 40035, message: 'The order is not exist', status: 400 },
	orderStatusInvalid: { code: 40036, message: 'The order status is invalid', status: 400 },
	klineStep: { code: 40038, message: 'The k-line step is invalid', status: 400 },
	timestampInvalid: { code: 40039, message: 'The timestamp is invalid', status: 400 },
	leverageInvalid: { code: 40040, message: 'The order leverage is invalid', status: 400 },
	sideInvalid: { code: 40041, message: 'The order side is invalid', status: 400 },
	typeInvalid: { code: 40042, message: 'The order type is invalid', status: 400 },
	precisionInvalid: { code: 40043, message: 'The order precision is invalid', status: 400 },
	rangeInvalid: { code: 40044, message: 'The order range is invalid', status: 400 },
	openTypeInvalid: { code: 40045, message: 'The order open type is invalid', status: 400 },
	clientOrderIdChars: {
		code: 40048,
		message: 'ClientOrderId only allows a combination of numbers and letters',
		status: 403
	},
	clientOrderIdLength: {
		code: 40049,
		message: 'The maximum length of clientOrderId cannot exceed 32',
		status: 403
	},
	clientOrderIdDuplicated: {
		code: 40050,
		message: 'Client OrderId duplicated with existing orders',
		status: 403
	}
} as const;

export interface SimError {
	readonly code: number;
	readonly message: string;
	readonly status: number;
}

/** Every code in the docs' two error tables that a request can fail with, as the docs write it. */
const DOCUMENTED: Array<[number, number, string]> = [
	[30000, 404, 'Not found'],
	[30001, 401, 'Header X-BM-KEY is empty'],
	[30002, 401, 'Header X-BM-KEY not found'],
	[30003, 401, 'Header X-BM-KEY has frozen'],
	[30004, 401, 'Header X-BM-SIGN is empty'],
	[30005, 401, 'Header X-BM-SIGN is wrong'],
	[30006, 401, 'Header X-BM-TIMESTAMP is empty'],
	[30007, 401, 'Header X-BM-TIMESTAMP range. Within a minute'],
	[30008, 401, 'Header X-BM-TIMESTAMP invalid format'],
	[
		30010,
		403,
		'IP is forbidden. We recommend enabling IP whitelist for API trading. After that reauth your account'
	],
	[30011, 403, 'Header X-BM-KEY over expire time'],
	[30012, 403, 'Header X-BM-KEY is forbidden to request it'],
	[30013, 429, 'Request too many requests'],
	[30014, 503, 'Service unavailable'],
	[30016, 200, 'Service maintenance, the function is temporarily unavailable'],
	[
		30017,
		418,
		'Your account request is temporarily rejected due to violation of current limiting rules, please contact customer service'
	],
	[30018, 503, 'Request Body requires JSON format'],
	[
		30019,
		200,
		'You do not have the permissions to perform this operation. Please contact customer service or BD for assistance'
	],
	[40001, 400, 'Cloud account not found'],
	[40007, 400, 'Parse parameter error'],
	[40011, 400, 'Invalid request'],
	[40012, 400, 'System error'],
	[40013, 400, 'Access too often" CLIENT_TIME_INVALID, "Please check your system time.'],
	[40014, 400, 'This contract is offline'],
	[40015, 400, "This contract's exchange has been paused"],
	[40016, 400, 'This order would trigger user position liquidate'],
	[40017, 400, 'It is not possible to open and close simultaneously in the same position'],
	[40018, 400, 'Your position is closed'],
	[40019, 400, 'Your position is in liquidation delegating'],
	[40020, 400, 'Your position volume is not enough'],
	[40021, 400, 'The position is not exsit'],
	[40022, 400, 'The position is not isolated'],
	[40026, 400, 'You cross margin position is in liquidation delegating'],
	[40027, 400, 'You contract account available balance not enough'],
	[40029, 400, "The order's leverage is too large."],
	[40030, 400, "The order's leverage is too small."],
	[40034, 400, 'The Symbol is not exist'],
	[40035, 400, 'The order is not exist'],
	[40036, 400, 'The order status is invalid'],
	[40037, 400, 'The order id is not exist'],
	[40039, 400, 'The timestamp is invalid'],
	[40040, 400, 'The order leverage is invalid'],
	[40041, 400, 'The order side is invalid'],
	[40042, 400, 'The order type is invalid'],
	[40043, 400, 'The order precision is invalid'],
	[40044, 400, 'The order range is invalid'],
	[40045, 400, 'The order open type is invalid'],
	[40046, 403, 'The account is not opened futures'],
	[40047, 403, 'Services is not available in you countries and areas'],
	[40048, 403, 'ClientOrderId only allows a combination of numbers and letters'],
	[40049, 403, 'The maximum length of clientOrderId cannot exceed 32'],
	[40050, 403, 'Client OrderId duplicated with existing orders'],
	[42000, 200, 'Insufficient balance']
];

/** The documented error for a code; throws for a code the docs do not list (a test's typo). */
export function documentedError(code: number): SimError {
	const row = DOCUMENTED.find(([c]) => c === code);
	if (!row) throw new Error(`simulator: ${code} is not a documented BitMart error code`);
	return { code: row[0], status: row[1], message: row[2] };
}

/** Thrown inside request handlers; the router turns it into the documented JSON body. */
export class SimRestError extends Error {
	constructor(readonly error: SimError) {
		super(error.message);
	}
}
