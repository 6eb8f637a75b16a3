<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// The count of unread support notifications beside the module's entry in the admin menu. Asked of
// the API server-to-server with the stored key, kept in OpenCart's cache for a short while so that
// most admin pages ask nothing, and never in the way: an API that is down or slow costs one short
// wait, after which the menu simply shows no count for a minute.
//
// OpenCart's cache rather than the session: the store's API key is one merchant's, so every admin
// sees the same count, and OpenCart writes the whole session back at the end of each request, so a
// request running beside the one that marks a ticket read would put the old count back.
namespace OcSupportDesk;

class UnreadBadge {
	/** The count's key in OpenCart's cache. */
	const CACHE_KEY = 'oc_support_desk_unread';
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
	/** @var object OpenCart's cache: get($key) and set($key, $value) */
	private $cache;
	/** @var callable(): int */
	private $now;

	/**
	 * @param ApiClient $api   with the stored endpoint and key, and TIMEOUT
	 * @param string    $owner a digest of the endpoint and key: a count kept for another key is not shown
	 * @param object    $cache OpenCart's cache (3.0 and 4.x alike: get($key), set($key, $value))
	 * @param callable|null $now seconds since the epoch; time() by default
	 */
	public function __construct(ApiClient $api, $owner, $cache, $now = null) {
		$this->api = $api;
		$this->owner = (string)$owner;
		$this->cache = $cache;
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
		// Nothing kept: false on 3.0, an empty array or null on 4.x.
		$kept = $this->cache->get(self::CACHE_KEY);

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
		// OpenCart's own expiry (an hour by default) is longer: "until" decides.
		$this->cache->set(self::CACHE_KEY, array(
			'owner' => $this->owner,
			'count' => $count,
			'until' => (int)call_user_func($this->now) + ($count === null ? self::RETRY_SECONDS : self::FRESH_SECONDS),
		));
	}
}

/** Keeps values for one request only: where no OpenCart cache is given. */
class MemoryCache {
	private $values = array();

	public function get($key) {
		return isset($this->values[$key]) ? $this->values[$key] : null;
	}

	public function set($key, $value) {
		$this->values[$key] = $value;
	}
}
