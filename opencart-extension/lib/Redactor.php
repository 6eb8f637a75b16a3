<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// Removes secrets from error-log lines before a merchant chooses to send them.
namespace OcSupportDesk;

class Redactor {
	const MASK = '[redacted]';

	/** @var string[] $patterns regex => replacement, applied in order */
	private $patterns;

	public function __construct() {
		$mask = self::MASK;

		$this->patterns = array(
			// URLs with credentials: scheme://user:pass@host
			'#\b([a-z][a-z0-9+.-]*://)[^\s/:@]+:[^\s/@]+@#i' => '$1' . $mask . '@',
			// Authorization headers
			'/\b(Bearer|Basic)\s+[A-Za-z0-9._~+\/=-]{8,}/' => '$1 ' . $mask,
			// key=value and key: value pairs whose name says secret
			'/\b([a-z0-9_.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|session(?:_id)?|cookie|salt|signature|client[_-]?secret|card(?:_?number)?|cvv2?|cvc)[a-z0-9_.-]*)(["\']?\s*(?:=>|=|:)\s*)(["\']?)([^"\'\s,;&)}\]]+)/i' => '$1$2$3' . $mask,
			// mysqli/PDO connection errors name the user: "Access denied for user 'x'@'host'"
			"/(for user\s+')[^']*('@')[^']*(')/i" => '$1' . $mask . '$2' . $mask . '$3',
			// e-mail addresses
			'/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/' => '[email]',
			// payment card numbers (13-19 digits, optionally grouped)
			'/\b(?:\d[ -]?){12,18}\d\b/' => '[number]',
			// long hex or base64 strings: keys, hashes, session ids
			'/\b[A-Fa-f0-9]{32,}\b/' => $mask,
			'/\b(?=[A-Za-z0-9+_-]*\d)(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{40,}={0,2}/' => $mask,
		);
	}

	public function redact($text) {
		$text = (string)$text;

		foreach ($this->patterns as $pattern => $replacement) {
			$result = preg_replace($pattern, $replacement, $text);

			if ($result !== null) {
				$text = $result;
			}
		}

		return $text;
	}
}
