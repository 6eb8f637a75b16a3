<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// Removes secrets from error-log lines before a merchant chooses to send them.
namespace OcSupportDesk;

class Redactor {
	const MASK = '[redacted]';

	/** Words that make a key, field or constant name secret. */
	const SECRET_NAME = '(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|session(?:_id)?|cookie|salt|signature|client[_-]?secret|card(?:_?number)?|cvv2?|cvc)';

	/**
	 * A value: quoted (up to its closing quote, escaped quotes included), a quote that never closes
	 * (to the end of the line: the line was cut), or a bare word.
	 */
	const VALUE = '(?:"(?:[^"\\\\\r\n]|\\\\.)*"|\'(?:[^\'\\\\\r\n]|\\\\.)*\'|["\'][^\r\n]*|[^"\'\s,;&)}\]]+)';

	/** @var array list of array(regex, replacement string or callable), applied in order */
	private $rules;

	public function __construct() {
		$mask = self::MASK;
		$value = function (array $m) use ($mask) {
			return $m[1] . $m[2] . self::maskValue($m[3]);
		};

		$this->rules = array(
			// URLs with credentials: scheme://user:pass@host. The user information runs to the last "@"
			// before the host (a password may contain "@"); "/", "?" and "#" end it.
			array('~\b([a-z][a-z0-9+.-]*://)[^\s/?#"\'<>]*@~i', '$1' . $mask . '@'),
			// define('DB_PASSWORD', 'x'), and the same cut short in a log line: DB_PASSWORD', 'x'
			array('/(\bdefine\s*\(\s*["\'][A-Za-z0-9_]*' . self::SECRET_NAME . '[A-Za-z0-9_]*["\'])(\s*,\s*)(' . self::VALUE . ')/i', $value),
			array('/(\b[A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|KEY|SALT)[A-Z0-9_]*["\'])(\s*,\s*)(' . self::VALUE . ')/', $value),
			// Authorization headers
			array('/\b(Bearer|Basic)\s+[A-Za-z0-9._~+\/=-]{8,}/', '$1 ' . $mask),
			// key=value, key: value, 'key' => 'value' and "key":"value" pairs whose name says secret
			array('/(\b[a-z0-9_.-]*' . self::SECRET_NAME . '[a-z0-9_.-]*)(["\']?\s*(?:=>|=|:)\s*)(' . self::VALUE . ')/i', $value),
			// mysqli/PDO connection errors name the user: "Access denied for user 'x'@'host'"
			array("/(for user\s+')[^']*('@')[^']*(')/i", '$1' . $mask . '$2' . $mask . '$3'),
			// OpenCart's own: "Error: Could not make a database link using user@host"
			array('/(database link using\s+)[^\s@]+@[^\s:]*/i', '$1' . $mask . '@' . $mask),
			// well-known key formats too short for the long-string rules: Stripe secret keys, AWS key IDs
			array('/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}/', $mask),
			array('/\bA(?:KIA|SIA)[0-9A-Z]{16}\b/', $mask),
			// e-mail addresses
			array('/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/', '[email]'),
			// payment card numbers (13-19 digits, optionally grouped)
			array('/\b(?:\d[ -]?){12,18}\d\b/', '[number]'),
			// long hex or base64 strings: keys, hashes, session ids
			array('/\b[A-Fa-f0-9]{32,}\b/', $mask),
			array('/\b(?=[A-Za-z0-9+_-]*\d)(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{40,}={0,2}/', $mask),
		);
	}

	/** "'secret'" → "'[redacted]'", "'cut short" → "'[redacted]", "bare" → "[redacted]" */
	private static function maskValue($value) {
		$quote = $value !== '' && ($value[0] === '"' || $value[0] === "'") ? $value[0] : '';

		if ($quote === '') {
			return self::MASK;
		}

		$closed = strlen($value) > 1 && substr($value, -1) === $quote && substr($value, -2, 1) !== '\\';

		return $quote . self::MASK . ($closed ? $quote : '');
	}

	public function redact($text) {
		$text = (string)$text;

		foreach ($this->rules as $rule) {
			list($pattern, $replacement) = $rule;
			$result = $replacement instanceof \Closure ? preg_replace_callback($pattern, $replacement, $text) : preg_replace($pattern, $replacement, $text);

			if ($result !== null) {
				$text = $result;
			}
		}

		return $text;
	}
}
