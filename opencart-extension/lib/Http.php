<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// Server-to-server HTTP POST with timeouts: cURL when the store has it, PHP streams otherwise.
namespace OcSupportDesk;

class HttpException extends \Exception {
	/** @var string TIMEOUT or UNREACHABLE */
	public $kind;

	public function __construct($kind, $message) {
		parent::__construct($message);
		$this->kind = $kind;
	}
}

class Http {
	private $useCurl;

	/** @param bool|null $useCurl null: cURL when available */
	public function __construct($useCurl = null) {
		$this->useCurl = $useCurl === null ? function_exists('curl_init') : (bool)$useCurl;
	}

	/**
	 * @param string   $url
	 * @param string[] $headers "Name: value" lines
	 * @param string   $body
	 * @param int      $timeout seconds, for connecting and for the whole exchange
	 * @return array   status (int), body (string)
	 * @throws HttpException
	 */
	public function post($url, array $headers, $body, $timeout) {
		return $this->useCurl ? $this->curl($url, $headers, $body, $timeout) : $this->stream($url, $headers, $body, $timeout);
	}

	/**
	 * A GET, for files: the body as received and the response's headers (lower-case names).
	 *
	 * @return array status (int), body (string), headers (array name => value)
	 * @throws HttpException
	 */
	public function get($url, array $headers, $timeout) {
		return $this->useCurl ? $this->curl($url, $headers, null, $timeout) : $this->stream($url, $headers, null, $timeout);
	}

	/** "Name: value" lines into name => value, names in lower case; the last of a repeated name wins. */
	private static function parseHeaders(array $lines) {
		$parsed = array();

		foreach ($lines as $line) {
			$colon = strpos($line, ':');

			if ($colon !== false) {
				$parsed[strtolower(trim(substr($line, 0, $colon)))] = trim(substr($line, $colon + 1));
			}
		}

		return $parsed;
	}

	private function curl($url, array $headers, $body, $timeout) {
		$handle = curl_init($url);

		$lines = array();

		curl_setopt_array($handle, $body === null ? array(CURLOPT_HTTPGET => true) : array(CURLOPT_POST => true, CURLOPT_POSTFIELDS => $body));
		curl_setopt_array($handle, array(
			CURLOPT_HTTPHEADER => $headers,
			CURLOPT_HEADERFUNCTION => function ($handle, $line) use (&$lines) {
				$lines[] = $line;

				return strlen($line);
			},
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_FOLLOWLOCATION => false,
			CURLOPT_CONNECTTIMEOUT => min($timeout, 5),
			CURLOPT_TIMEOUT => $timeout,
			CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
		));

		$response = curl_exec($handle);
		$errno = curl_errno($handle);
		$error = curl_error($handle);
		$status = (int)curl_getinfo($handle, CURLINFO_HTTP_CODE);
		curl_close($handle);

		if ($response === false) {
			throw new HttpException($errno === 28 ? 'TIMEOUT' : 'UNREACHABLE', $error);
		}

		return array('status' => $status, 'body' => (string)$response, 'headers' => self::parseHeaders($lines));
	}

	private function stream($url, array $headers, $body, $timeout) {
		$context = stream_context_create(array(
			'http' => array(
				'method' => $body === null ? 'GET' : 'POST',
				'header' => implode("\r\n", $headers),
				'content' => $body === null ? '' : $body,
				'timeout' => (float)$timeout,
				'ignore_errors' => true,
				'follow_location' => 0,
				'protocol_version' => 1.1,
			),
		));

		$started = microtime(true);
		$error = null;

		set_error_handler(function ($severity, $message) use (&$error) {
			$error = $message;

			return true;
		});

		try {
			$response = file_get_contents($url, false, $context);
		} finally {
			restore_error_handler();
		}

		$status = 0;

		// $http_response_header is filled in by file_get_contents() in this scope.
		if (isset($http_response_header) && is_array($http_response_header)) {
			foreach ($http_response_header as $line) {
				if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m)) {
					$status = (int)$m[1];
				}
			}
		}

		if ($response === false || $status === 0) {
			$timedOut = microtime(true) - $started >= $timeout - 0.05 || ($error !== null && stripos($error, 'timed out') !== false);

			throw new HttpException($timedOut ? 'TIMEOUT' : 'UNREACHABLE', $error !== null ? $error : 'no response');
		}

		return array('status' => $status, 'body' => (string)$response, 'headers' => self::parseHeaders(isset($http_response_header) ? $http_response_header : array()));
	}
}
