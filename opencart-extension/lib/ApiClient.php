<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// Calls the support desk's GraphQL API server-to-server with the merchant's key. Only the
// module's own operations (Operations::all(), generated from opencart-extension/graphql/) can run.
namespace OcSupportDesk;

class ApiException extends \Exception {
	/** @var string NOT_CONFIGURED, UNKNOWN_OPERATION, TIMEOUT, UNREACHABLE, UNAUTHENTICATED, ACCOUNT_BANNED, HTTP_ERROR, BAD_RESPONSE */
	public $kind;

	public function __construct($kind, $message) {
		parent::__construct($message);
		$this->kind = $kind;
	}
}

class ApiClient {
	const USER_AGENT = 'OpenCartSupportDesk-Module';
	/** Our own words: the API's message is never passed on (see ApiMessages). */
	const BANNED_MESSAGE = 'The support desk has closed this account permanently, as its support policy provides for, so its merchant API keys no longer work. Tickets cannot be filed or followed from this store with it.';

	private $endpoint;
	private $apiKey;
	private $operations;
	private $http;
	private $timeout;

	/**
	 * @param string $endpoint   the API's URL (https, or http to localhost)
	 * @param string $apiKey     the merchant's API key; never leaves the server except to $endpoint
	 * @param array  $operations operation name => document (the allowlist)
	 * @param Http   $http
	 * @param int    $timeout    seconds
	 */
	public function __construct($endpoint, $apiKey, array $operations, $http = null, $timeout = 15) {
		$this->endpoint = trim((string)$endpoint);
		$this->apiKey = trim((string)$apiKey);
		$this->operations = $operations;
		$this->http = $http !== null ? $http : new Http();
		$this->timeout = (int)$timeout;
	}

	public function isConfigured() {
		return $this->endpoint !== '' && $this->apiKey !== '';
	}

	/** Hosts that may be reached over plain http://: the key never crosses a network there. */
	const LOCAL_HOSTS = array('localhost', '127.0.0.1', '[::1]', '::1');

	/** Said wherever an endpoint is refused, so the merchant sees the rule. */
	const ENDPOINT_RULE = 'The API endpoint must be an https:// address, for example https://support.example.com/graphql. Plain http:// is accepted only for localhost or 127.0.0.1 (a support desk on this same server), because your API key would otherwise travel unencrypted.';

	/** https:// anywhere; http:// only to this machine (the bearer key would cross the network in clear text). */
	public static function validEndpoint($endpoint) {
		$parts = parse_url(trim((string)$endpoint));

		if (!is_array($parts) || !isset($parts['scheme'], $parts['host']) || isset($parts['user']) || isset($parts['pass'])) {
			return false;
		}

		$scheme = strtolower($parts['scheme']);

		if ($scheme === 'https') {
			return true;
		}

		return $scheme === 'http' && in_array(strtolower($parts['host']), self::LOCAL_HOSTS, true);
	}

	public function hasOperation($name) {
		return is_string($name) && isset($this->operations[$name]);
	}

	/**
	 * Runs one allowlisted operation.
	 *
	 * @return array the GraphQL response: data and, when the API reported any, errors
	 * @throws ApiException
	 */
	public function execute($operationName, array $variables = array()) {
		if (!$this->hasOperation($operationName)) {
			throw new ApiException('UNKNOWN_OPERATION', 'The operation "' . $operationName . '" is not one of this module\'s operations.');
		}

		if (!$this->isConfigured()) {
			throw new ApiException('NOT_CONFIGURED', 'Enter the API endpoint and your merchant API key in the module settings first.');
		}

		if (!self::validEndpoint($this->endpoint)) {
			throw new ApiException('NOT_CONFIGURED', self::ENDPOINT_RULE);
		}

		$body = json_encode(array(
			'operationName' => $operationName,
			'query' => $this->operations[$operationName],
			'variables' => (object)$variables,
		));

		try {
			$response = $this->http->post($this->endpoint, array(
				'Content-Type: application/json',
				'Accept: application/json',
				'Authorization: Bearer ' . $this->apiKey,
				'User-Agent: ' . self::USER_AGENT,
			), $body, $this->timeout);
		} catch (HttpException $e) {
			if ($e->kind === 'TIMEOUT') {
				throw new ApiException('TIMEOUT', 'The support desk did not answer within ' . $this->timeout . ' seconds. Please try again in a few minutes.');
			}

			throw new ApiException('UNREACHABLE', 'The support desk cannot be reached from your store (' . $this->host() . '). Check the API endpoint in the settings and that your server may open outgoing connections.');
		}

		$status = $response['status'];
		$json = json_decode($response['body'], true);

		// A banned account's keys are refused for good: saying "check your key" would send the merchant in circles.
		if (is_array($json) && self::errorReason($json) === 'ACCOUNT_BANNED') {
			throw new ApiException('ACCOUNT_BANNED', self::BANNED_MESSAGE);
		}

		if ($status === 401 || $status === 403 || (is_array($json) && self::errorCode($json) === 'UNAUTHENTICATED')) {
			throw new ApiException('UNAUTHENTICATED', 'The support desk did not accept your merchant API key. Check it in the module settings.');
		}

		if (!is_array($json) || (!array_key_exists('data', $json) && !isset($json['errors']))) {
			if ($status >= 400) {
				throw new ApiException('HTTP_ERROR', 'The support desk answered with HTTP ' . $status . '. Please try again later.');
			}

			throw new ApiException('BAD_RESPONSE', 'The address in the settings did not answer like the support desk API. Check the API endpoint.');
		}

		return $json;
	}

	/**
	 * Fetches an attachment (GET <the endpoint's folder>/attachments/<id>) with the merchant's key.
	 *
	 * @param string $id the attachment's global ID, as the API gave it
	 * @return array|null contentType and bytes; null when the API has no such file for this key
	 * @throws ApiException
	 */
	public function download($id) {
		if (!is_string($id) || !preg_match('/^[A-Za-z0-9_-]{1,200}$/', $id)) {
			return null;
		}

		if (!$this->isConfigured()) {
			throw new ApiException('NOT_CONFIGURED', 'Enter the API endpoint and your merchant API key in the module settings first.');
		}

		if (!self::validEndpoint($this->endpoint)) {
			throw new ApiException('NOT_CONFIGURED', self::ENDPOINT_RULE);
		}

		try {
			$response = $this->http->get(self::attachmentUrl($this->endpoint, $id), array(
				'Authorization: Bearer ' . $this->apiKey,
				'User-Agent: ' . self::USER_AGENT,
			), $this->timeout);
		} catch (HttpException $e) {
			if ($e->kind === 'TIMEOUT') {
				throw new ApiException('TIMEOUT', 'The support desk did not answer within ' . $this->timeout . ' seconds. Please try again in a few minutes.');
			}

			throw new ApiException('UNREACHABLE', 'The support desk cannot be reached from your store (' . $this->host() . '). Check the API endpoint in the settings and that your server may open outgoing connections.');
		}

		if ($response['status'] === 401 || $response['status'] === 403) {
			throw new ApiException('UNAUTHENTICATED', 'The support desk did not accept your merchant API key. Check it in the module settings.');
		}

		if ($response['status'] === 404) {
			return null;
		}

		if ($response['status'] !== 200) {
			throw new ApiException('HTTP_ERROR', 'The support desk answered with HTTP ' . $response['status'] . '. Please try again later.');
		}

		$type = isset($response['headers']['content-type']) ? $response['headers']['content-type'] : 'application/octet-stream';

		return array('contentType' => $type, 'bytes' => $response['body']);
	}

	/** Downloads sit beside the GraphQL endpoint: https://desk.example.com/graphql → https://desk.example.com/attachments/<id>. */
	public static function attachmentUrl($endpoint, $id) {
		$parts = parse_url(trim((string)$endpoint));
		$path = isset($parts['path']) ? preg_replace('#/[^/]*$#', '', $parts['path']) : '';
		$port = isset($parts['port']) ? ':' . $parts['port'] : '';

		return $parts['scheme'] . '://' . $parts['host'] . $port . $path . '/attachments/' . rawurlencode($id);
	}

	/** The first error's extensions.code, if any. */
	/**
	 * The first error's extensions.reason (ACCOUNT_BANNED for a banned account), or null.
	 *
	 * @return string|null
	 */
	public static function errorReason(array $response) {
		if (!empty($response['errors'][0]['extensions']['reason'])) {
			return (string)$response['errors'][0]['extensions']['reason'];
		}

		return null;
	}

	public static function errorCode(array $response) {
		if (!empty($response['errors'][0]['extensions']['code'])) {
			return (string)$response['errors'][0]['extensions']['code'];
		}

		return null;
	}

	private function host() {
		$host = parse_url($this->endpoint, PHP_URL_HOST);

		return $host ? $host : $this->endpoint;
	}
}
