<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// The count of unread support notifications beside the module's entry in the admin menu. Asked of
// the API server-to-server with the stored key, kept in the admin's session for a short while so
// that most admin pages ask nothing, and never in the way: an API that is down or slow costs one
// short wait, after which the menu simply shows no count for a minute.
namespace OcSupportDesk;

class UnreadBadge {
	/** Where the count is kept, in OpenCart's session data. */
	const SESSION_KEY = 'oc_support_desk_unread';
	/** Seconds a count is shown before the API is asked again. */
	const FRESH_SECONDS = 30;
	/** Seconds without asking again once the API failed: a desk that is down costs one wait a minute, not one a page. */
	const RETRY_SECONDS = 60;
	/** Seconds an admin page waits for the count, connecting included. */
	const TIMEOUT = 2;

	/** @var ApiClient */
	private $api;
	/** @var string which endpoint and key the kept count belongs to */
	private $owner;
	/** @var object OpenCart's session: a public array $data */
	private $session;
	/** @var callable(): int */
	private $now;

	/**
	 * @param ApiClient $api     with the stored endpoint and key, and TIMEOUT
	 * @param string    $owner   a digest of the endpoint and key: a count kept for another key is not shown
	 * @param object    $session OpenCart's session (its public $data array)
	 * @param callable|null $now seconds since the epoch; time() by default
	 */
	public function __construct(ApiClient $api, $owner, $session, $now = null) {
		$this->api = $api;
		$this->owner = (string)$owner;
		$this->session = $session;
		$this->now = $now !== null ? $now : 'time';
	}

	/**
	 * The number to show, or null when there is none to show (no API configured, the API down or
	 * refusing the key). Never throws.
	 *
	 * @return int|null
	 */
	public function count() {
		if (!$this->api->isConfigured()) {
			return null;
		}

		$kept = $this->kept();

		if ($kept !== false) {
			return $kept;
		}

		try {
			$response = $this->api->execute('NotificationUnreadCount');
			$count = isset($response['data']['viewer']['notifications']['unreadCount']) ? (int)$response['data']['viewer']['notifications']['unreadCount'] : null;
		} catch (\Throwable $e) {
			$count = null;
		}

		$this->keep($count);

		return $count;
	}

	/** Keeps a count the API has just given (after marking a ticket's notifications read, say). */
	public function remember($count) {
		$this->keep($count === null ? null : (int)$count);
	}

	/** @return int|null|false false when nothing usable is kept */
	private function kept() {
		$kept = isset($this->session->data[self::SESSION_KEY]) ? $this->session->data[self::SESSION_KEY] : null;

		if (!is_array($kept) || !isset($kept['owner'], $kept['until']) || !hash_equals((string)$kept['owner'], $this->owner)) {
			return false;
		}

		$now = (int)call_user_func($this->now);

		// A clock set back would otherwise keep an old count for as long as it was set back.
		if ($now >= (int)$kept['until'] || (int)$kept['until'] - $now > self::RETRY_SECONDS) {
			return false;
		}

		return isset($kept['count']) ? (int)$kept['count'] : null;
	}

	private function keep($count) {
		$this->session->data[self::SESSION_KEY] = array(
			'owner' => $this->owner,
			'count' => $count,
			'until' => (int)call_user_func($this->now) + ($count === null ? self::RETRY_SECONDS : self::FRESH_SECONDS),
		);
	}
}
