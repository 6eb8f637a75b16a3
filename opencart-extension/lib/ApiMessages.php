<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// What the store admin is told when the API refuses something: plain sentences, never the API's
// raw text. A GraphQL error may quote the request's variables (a password typed into the wrong
// field included), so its message is never passed on; a userError's message is the API's own
// sentence about the merchant's situation, except for the access fields, which get the form's words.
namespace OcSupportDesk;

class ApiMessages {
	/** The shortest value that is hidden from messages: shorter ones would blank out ordinary words. */
	const MIN_SECRET_LENGTH = 6;
	const HIDDEN = '[hidden]';

	/** GraphQL error codes (extensions.code) and what they mean for the merchant. */
	const ERRORS = array(
		'UNAUTHENTICATED' => 'The support desk did not accept your merchant API key. Check it under Settings.',
		'FORBIDDEN' => 'The support desk does not allow this for your account.',
		'NOT_FOUND' => 'The support desk does not know this ticket (any more).',
		'BAD_USER_INPUT' => 'The support desk could not accept the request: a value is missing or not in the expected form. Check the form and try again; if it happens again, update the module.',
		'GRAPHQL_VALIDATION_FAILED' => 'The support desk does not understand this version of the module. Update the module, then try again.',
		'GRAPHQL_PARSE_FAILED' => 'The support desk does not understand this version of the module. Update the module, then try again.',
		'RATE_LIMITED' => 'Too many requests in a short time. Wait a minute, then try again.',
	);
	const DEFAULT_ERROR = 'The support desk ran into an error and did nothing. Please try again in a few minutes.';

	/** Access fields (the userError's field path ends with these) and the form's words for them. */
	const ACCESS_FIELDS = array(
		'storeAdmin.url' => 'Store admin access: the support desk did not accept your admin page\'s address.',
		'storeAdmin.username' => 'Store admin access: enter the admin username (1 to 255 characters).',
		'storeAdmin.password' => 'Store admin access: enter the admin password.',
		'fileAccess.protocol' => 'FTP/SFTP access: choose FTP, FTPS or SFTP.',
		'fileAccess.host' => 'FTP/SFTP access: enter the host as a name or IP address, such as ftp.example.com, without ftp:// or a folder.',
		'fileAccess.port' => 'FTP/SFTP access: the port must be a number from 1 to 65535 (leave it empty for the usual one).',
		'fileAccess.username' => 'FTP/SFTP access: enter the username (1 to 255 characters).',
		'fileAccess.password' => 'FTP/SFTP access: enter the password (SFTP: a password or a private key).',
		'fileAccess.privateKey' => 'FTP/SFTP access: the private key must be in PEM or OpenSSH format, and works with SFTP only.',
		'fileAccess.rootPath' => 'FTP/SFTP access: the root folder must be a path such as /public_html.',
	);

	/** The ticket form's fields (the userError's field path ends with these), in the form's words. */
	const TICKET_FIELDS = array(
		'category' => 'Category: choose what you need help with.',
		'subject' => 'Subject: please write 3 to 200 characters.',
		'description' => 'Description: please describe the problem in at least 10 characters.',
	);

	/** @var string[] values never to show (passwords the merchant typed, a generated one) */
	private $secrets = array();

	/** Remembers a value that no message may contain. */
	public function hide($value) {
		if (is_string($value) && strlen($value) >= self::MIN_SECRET_LENGTH) {
			$this->secrets[] = $value;
		}
	}

	/** The secrets in an access input (store admin and FTP passwords, a private key). */
	public function hideAccess(array $access) {
		foreach (array('storeAdmin', 'fileAccess') as $part) {
			if (isset($access[$part]) && is_array($access[$part])) {
				foreach (array('password', 'privateKey') as $key) {
					if (isset($access[$part][$key])) {
						$this->hide((string)$access[$part][$key]);
					}
				}
			}
		}
	}

	/**
	 * The errors of a GraphQL response as message and code, in plain words.
	 *
	 * @return array list of array(message, code)
	 */
	public function graphqlErrors(array $response) {
		$errors = array();

		if (!empty($response['errors']) && is_array($response['errors'])) {
			foreach ($response['errors'] as $error) {
				$code = isset($error['extensions']['code']) ? (string)$error['extensions']['code'] : null;
				$errors[] = array('message' => $code !== null && array_key_exists($code, self::ERRORS) ? self::ERRORS[$code] : self::DEFAULT_ERROR, 'code' => $code);
			}
		}

		return $errors;
	}

	/**
	 * A mutation's userErrors, the access fields in the form's words, the rest as the API says it.
	 *
	 * @return array list of array(message, code, field)
	 */
	public function userErrors(array $userErrors) {
		$errors = array();

		foreach ($userErrors as $error) {
			$field = isset($error['field']) && is_array($error['field']) ? array_map('strval', $error['field']) : array();
			$tail = implode('.', array_slice($field, -2));
			$last = $field && $field[0] === 'input' && count($field) === 2 ? $field[1] : '';

			if (array_key_exists($tail, self::ACCESS_FIELDS)) {
				$message = self::ACCESS_FIELDS[$tail];
			} elseif (array_key_exists($last, self::TICKET_FIELDS) && isset($error['code']) && $error['code'] === 'INVALID') {
				$message = self::TICKET_FIELDS[$last];
			} else {
				$message = isset($error['message']) ? (string)$error['message'] : self::DEFAULT_ERROR;
			}

			$errors[] = array('message' => $this->clean($message), 'code' => isset($error['code']) ? (string)$error['code'] : null, 'field' => $field ?: null);
		}

		return $errors;
	}

	/** Removes every remembered secret from the strings of an answer, at any depth. */
	public function clean($value) {
		if (is_array($value)) {
			foreach ($value as $key => $item) {
				$value[$key] = $this->clean($item);
			}

			return $value;
		}

		if (!is_string($value) || !$this->secrets) {
			return $value;
		}

		return str_replace($this->secrets, self::HIDDEN, $value);
	}
}
