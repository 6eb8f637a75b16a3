<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// Creates the temporary admin user support logs in with, remembers it per ticket, and
// disables it when the ticket is resolved (or at once, on request).
namespace OcSupportDesk;

class AccessManager {
	const TABLE = 'oc_support_desk_access';
	const GROUP_NAME = 'OpenCart Support (temporary)';
	const FIRSTNAME = 'OpenCart Support';
	/** Ticket statuses after which support no longer needs the store. */
	const FINISHED = array('RESOLVED', 'CLOSED');
	/**
	 * Days after which a temporary user is disabled whatever the API says: the clean-up must not
	 * depend on the API answering (revoked key, lapsed subscription, API gone).
	 */
	const MAX_AGE_DAYS = 30;
	/** OpenCart 4.x tables keyed by user_id that OpenCart's own deleteUser() clears too. */
	const USER_TABLES = array('user_login', 'user_authorize');
	/**
	 * Columns added after the first release, with their definitions. install()'s CREATE TABLE IF NOT
	 * EXISTS leaves an earlier build's table as it was, and updating the files reinstalls nothing.
	 */
	const ADDED_COLUMNS = array(
		'confirm_refused' => 'VARCHAR(255) NULL',
		'user_date_added' => 'DATETIME NULL',
	);

	private $db;
	private $prefix;
	private $line;
	/** Whether this instance has brought the table up to date (once is enough per request). */
	private $schemaChecked = false;

	/**
	 * @param object $db      OpenCart's DB handle
	 * @param string $prefix  DB_PREFIX
	 * @param string $version VERSION: decides how the password is stored (4.x: password_hash)
	 */
	public function __construct($db, $prefix, $version) {
		$this->db = $db;
		$this->prefix = (string)$prefix;
		$this->line = Detector::lineOf($version);
	}

	public function install() {
		$this->db->query("CREATE TABLE IF NOT EXISTS `" . $this->tableName() . "` (
			`access_id` INT(11) NOT NULL AUTO_INCREMENT,
			`ticket_id` VARCHAR(128) NOT NULL,
			`ticket_number` VARCHAR(32) NOT NULL,
			`user_id` INT(11) NOT NULL,
			`username` VARCHAR(40) NOT NULL,
			`user_group_id` INT(11) NOT NULL,
			`created_at` DATETIME NOT NULL,
			`disabled_at` DATETIME NULL,
			`confirmed_at` DATETIME NULL,
			`confirm_refused` VARCHAR(255) NULL,
			`user_date_added` DATETIME NULL,
			PRIMARY KEY (`access_id`),
			KEY `ticket_id` (`ticket_id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
		// Installing again over an earlier build's table: it gets the newer columns now.
		$this->ensureSchema();
	}

	/**
	 * Leaves nothing behind: disables every temporary user still active, tells the API (best effort,
	 * within $deadline) for each ticket it was not told about yet, deletes the temporary users this
	 * module created, deletes the dedicated group once no user is left in it,
	 * and drops the table.
	 *
	 * @param ApiClient|null $api      null when the module has no endpoint or key (nothing to tell)
	 * @param float|null     $deadline microtime(true) after which the API is not called any more
	 * @return array disabled (ticket IDs), confirmed (ticket IDs), errors (messages), deleted (users)
	 */
	public function uninstall($api = null, $deadline = null) {
		$result = array('disabled' => array(), 'confirmed' => array(), 'errors' => array(), 'deleted' => 0);

		foreach ($this->active() as $row) {
			$this->disableRow($row);
			$result['disabled'][] = (string)$row['ticket_id'];
		}

		$result['disabled'] = array_values(array_unique($result['disabled']));

		if ($api !== null && $api->isConfigured()) {
			$this->confirmPending($api, $deadline, $result);
		}

		foreach ($this->all() as $row) {
			$result['deleted'] += $this->deleteUser($row);
		}

		$group = $this->dedicatedGroupId();

		if ($group !== null) {
			$users = $this->db->query("SELECT `user_id` FROM `" . $this->prefix . "user` WHERE `user_group_id` = '" . (int)$group . "'");

			// A user the merchant moved into the group keeps it (and its permissions).
			if (!$users->num_rows) {
				$this->db->query("DELETE FROM `" . $this->prefix . "user_group` WHERE `user_group_id` = '" . (int)$group . "'");
			}
		}

		$this->db->query("DROP TABLE IF EXISTS `" . $this->table() . "`");

		return $result;
	}

	/**
	 * Creates an enabled admin user for one ticket.
	 *
	 * @param string $ticketId     the ticket's global ID
	 * @param string $ticketNumber shown in the user's name
	 * @param string $group        "dedicated" (a group of its own, with the Administrator group's
	 *                             permissions) or "admin" (the Administrator group itself)
	 * @return array user_id, username, password, user_group_id
	 */
	public function createTemporaryAdmin($ticketId, $ticketNumber, $group = 'dedicated') {
		$groupId = $group === 'admin' ? $this->adminGroupId() : $this->ensureDedicatedGroup();
		$username = self::username($ticketNumber);
		$password = self::strongPassword();

		// No `code`: 4.1.0.1 and later dropped that column (OpenCart's own addUser never sets it).
		$this->db->query("INSERT INTO `" . $this->prefix . "user` SET " . $this->passwordColumns($password) . ", `username` = '" . $this->db->escape($username) . "', `user_group_id` = '" . (int)$groupId . "', `firstname` = '" . self::FIRSTNAME . "', `lastname` = '" . $this->db->escape($ticketNumber !== '' ? '(temporary, ticket #' . $ticketNumber . ')' : '(temporary, ticket being filed)') . "', `email` = '', `image` = '', `ip` = '', `status` = '1', `date_added` = NOW()");

		$userId = (int)$this->db->getLastId();
		// Read back rather than taken from PHP's clock: it must equal what the user row holds, which
		// stays when the user is renamed (see userMatch()).
		$added = $this->db->query("SELECT `date_added` FROM `" . $this->prefix . "user` WHERE `user_id` = '" . $userId . "'");
		$dateAdded = $added->num_rows && (string)$added->row['date_added'] !== '' ? "'" . $this->db->escape($added->row['date_added']) . "'" : 'NULL';

		$this->db->query("INSERT INTO `" . $this->table() . "` SET `ticket_id` = '" . $this->db->escape($ticketId) . "', `ticket_number` = '" . $this->db->escape($ticketNumber) . "', `user_id` = '" . $userId . "', `username` = '" . $this->db->escape($username) . "', `user_group_id` = '" . (int)$groupId . "', `created_at` = NOW(), `user_date_added` = " . $dateAdded);

		return array('access_id' => (int)$this->db->getLastId(), 'user_id' => $userId, 'username' => $username, 'password' => $password, 'user_group_id' => (int)$groupId);
	}

	/**
	 * Records which ticket a temporary user created before filing belongs to, and names the ticket
	 * in the user's last name (the username, which support logs in with, stays as sent).
	 */
	public function assign($accessId, $ticketId, $ticketNumber) {
		$rows = $this->db->query("SELECT * FROM `" . $this->table() . "` WHERE `access_id` = '" . (int)$accessId . "'")->rows;

		foreach ($rows as $row) {
			$this->db->query("UPDATE `" . $this->table() . "` SET `ticket_id` = '" . $this->db->escape($ticketId) . "', `ticket_number` = '" . $this->db->escape($ticketNumber) . "' WHERE `access_id` = '" . (int)$accessId . "'");
			$this->db->query("UPDATE `" . $this->prefix . "user` SET `lastname` = '" . $this->db->escape($ticketNumber !== '' ? '(temporary, ticket #' . $ticketNumber . ')' : '(temporary, ticket being filed)') . "' WHERE " . $this->userMatch($row));
		}
	}

	/**
	 * Deletes a temporary user support never received (filing or handing over the access failed),
	 * with its logins on 4.x and its row: nothing of it is left to disable or to confirm.
	 */
	public function deleteUnused($accessId) {
		$rows = $this->db->query("SELECT * FROM `" . $this->table() . "` WHERE `access_id` = '" . (int)$accessId . "'")->rows;

		foreach ($rows as $row) {
			$this->deleteUser($row);
			$this->db->query("DELETE FROM `" . $this->table() . "` WHERE `access_id` = '" . (int)$accessId . "'");
		}
	}

	/**
	 * Temporary users created for a ticket that was never filed: the request that made them ended
	 * before it could delete them (PHP stopped mid-way). Older than $minutes, so not one being filed now.
	 */
	public function abandoned($minutes = 10, $now = null) {
		$limit = ($now === null ? time() : (int)$now) - $minutes * 60;
		$rows = array();

		foreach ($this->db->query("SELECT * FROM `" . $this->table() . "` WHERE `ticket_id` = ''")->rows as $row) {
			$created = strtotime((string)$row['created_at']);

			if ($created === false || $created < $limit) {
				$rows[] = $row;
			}
		}

		return $rows;
	}

	/** "ocsupport_1a2b3c": recognisable, unique, within OpenCart's 20 characters; with a ticket number, "ocsupport_42_1a2b". */
	public static function username($ticketNumber = '') {
		$digits = ltrim(preg_replace('/\D/', '', (string)$ticketNumber), '0');
		$tag = $digits !== '' ? $digits : strtolower(preg_replace('/[^0-9A-Za-z]/', '', (string)$ticketNumber));

		return 'ocsupport_' . ($tag !== '' ? substr($tag, -5) . '_' . bin2hex(random_bytes(2)) : bin2hex(random_bytes(3)));
	}

	/** 20 characters from four classes, drawn with random_int(). */
	public static function strongPassword($length = 20) {
		$classes = array('ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%+-=?@^_');
		$all = implode('', $classes);
		$chars = array();

		foreach ($classes as $class) {
			$chars[] = $class[random_int(0, strlen($class) - 1)];
		}

		while (count($chars) < $length) {
			$chars[] = $all[random_int(0, strlen($all) - 1)];
		}

		for ($i = count($chars) - 1; $i > 0; $i--) {
			$j = random_int(0, $i);
			$swap = $chars[$i];
			$chars[$i] = $chars[$j];
			$chars[$j] = $swap;
		}

		return implode('', $chars);
	}

	/** Temporary users not disabled yet. */
	public function active() {
		return $this->db->query("SELECT * FROM `" . $this->table() . "` WHERE `disabled_at` IS NULL")->rows;
	}

	/** The ticket's temporary users not disabled yet. */
	public function activeFor($ticketId) {
		return $this->db->query("SELECT * FROM `" . $this->table() . "` WHERE `disabled_at` IS NULL AND `ticket_id` = '" . $this->db->escape($ticketId) . "'")->rows;
	}

	/** Active temporary users created more than MAX_AGE_DAYS ago. */
	public function expired($now = null) {
		$limit = ($now === null ? time() : (int)$now) - self::MAX_AGE_DAYS * 86400;
		$rows = array();

		foreach ($this->active() as $row) {
			$created = strtotime((string)$row['created_at']);

			// A date that cannot be read counts as old: the user goes rather than stays forever.
			if ($created === false || $created < $limit) {
				$rows[] = $row;
			}
		}

		return $rows;
	}

	/** Every temporary user this module created, newest last. */
	public function all() {
		return $this->db->query("SELECT * FROM `" . $this->table() . "`")->rows;
	}

	/** Disabled here, but the API has not been told yet. */
	public function unconfirmed() {
		return $this->db->query("SELECT * FROM `" . $this->table() . "` WHERE `disabled_at` IS NOT NULL AND `confirmed_at` IS NULL")->rows;
	}

	/**
	 * Disables the ticket's temporary users (status 0 and a fresh unknown password).
	 *
	 * @return int how many were disabled now
	 */
	public function disable($ticketId) {
		$count = 0;

		foreach ($this->activeFor($ticketId) as $row) {
			$this->disableRow($row);
			$count++;
		}

		return $count;
	}

	/** Disables one temporary user that support never received (or no longer needs to hear about), and settles it. */
	/** Disables one temporary user whose confirmation is still owed to the API. */
	public function disableOnly($accessId) {
		$rows = $this->db->query("SELECT * FROM `" . $this->table() . "` WHERE `access_id` = '" . (int)$accessId . "'")->rows;

		foreach ($rows as $row) {
			if (empty($row['disabled_at'])) {
				$this->disableRow($row);
			}
		}
	}

	/** Disables one temporary user the API never holds: there is nothing to confirm. */
	public function revoke($accessId) {
		$this->disableOnly($accessId);
		$this->markAccessConfirmed($accessId);
	}

	/** The API heard that the ticket's access was disabled: settles its disabled rows (an active one still needs telling later). */
	public function markConfirmed($ticketId) {
		$this->db->query("UPDATE `" . $this->table() . "` SET `confirmed_at` = NOW() WHERE `ticket_id` = '" . $this->db->escape($ticketId) . "' AND `disabled_at` IS NOT NULL AND `confirmed_at` IS NULL");
	}

	/**
	 * The API refused to hear it (a userError such as INVALID_TRANSITION or NOT_FOUND): asking again
	 * would get the same answer on every sweep, so the disabled rows are settled with the reason.
	 */
	private function markRefused($ticketId, $reason) {
		$this->db->query("UPDATE `" . $this->table() . "` SET `confirmed_at` = NOW(), `confirm_refused` = '" . $this->db->escape(Detector::clip($reason, 255)) . "' WHERE `ticket_id` = '" . $this->db->escape($ticketId) . "' AND `disabled_at` IS NOT NULL AND `confirmed_at` IS NULL");
	}

	/**
	 * The API accepted new access for the ticket, replacing what it held: no earlier row may be
	 * confirmed any more, since a confirmation on an open ticket destroys the access it holds now.
	 *
	 * @param int|null $keepAccessId the new temporary user's row, if any
	 */
	public function settleEarlier($ticketId, $keepAccessId = null) {
		$rows = $this->db->query("SELECT `access_id` FROM `" . $this->table() . "` WHERE `ticket_id` = '" . $this->db->escape($ticketId) . "' AND `confirmed_at` IS NULL")->rows;

		foreach ($rows as $row) {
			if ((int)$row['access_id'] !== (int)$keepAccessId) {
				$this->markAccessConfirmed($row['access_id']);
			}
		}
	}

	/** One row needs no confirmation (the API never had its password, or has replaced it). */
	public function markAccessConfirmed($accessId) {
		$this->db->query("UPDATE `" . $this->table() . "` SET `confirmed_at` = NOW() WHERE `access_id` = '" . (int)$accessId . "' AND `confirmed_at` IS NULL");
	}

	/**
	 * Disables the users of finished tickets and tells the API, retrying confirmations that failed.
	 * Users older than MAX_AGE_DAYS are disabled first, without asking the API, so that the clean-up
	 * also happens when the API cannot be reached or no longer accepts the key. A ticket the API no
	 * longer returns (null node, NOT_FOUND) counts as finished.
	 *
	 * @param ApiClient|null $api      null when the module has no endpoint or key
	 * @param float|null     $deadline microtime(true) after which the API is not called any more
	 * @return array disabled (ticket IDs), expired (ticket IDs disabled by age), confirmed (ticket IDs), errors (messages)
	 */
	public function sweep($api, $deadline = null) {
		$result = array('disabled' => array(), 'expired' => array(), 'confirmed' => array(), 'errors' => array());

		foreach ($this->abandoned() as $row) {
			$this->deleteUnused($row['access_id']);
		}

		foreach ($this->expired() as $row) {
			$this->disableRow($row);
			$ticketId = (string)$row['ticket_id'];

			if (!in_array($ticketId, $result['expired'], true)) {
				$result['expired'][] = $ticketId;
				$result['disabled'][] = $ticketId;
			}
		}

		if ($api === null || !$api->isConfigured()) {
			return $result;
		}

		$tickets = array();

		foreach ($this->active() as $row) {
			// '' is a ticket being filed right now.
			if ((string)$row['ticket_id'] !== '') {
				$tickets[(string)$row['ticket_id']] = true;
			}
		}

		foreach (array_keys($tickets) as $ticketId) {
			if (self::late($deadline)) {
				return $result;
			}

			try {
				$response = $api->execute('TicketState', array('id' => $ticketId));
			} catch (ApiException $e) {
				$result['errors'][] = $e->getMessage();

				return $result;
			}

			if (self::finished($response) && $this->disable($ticketId) > 0) {
				$result['disabled'][] = $ticketId;
			}
		}

		$this->confirmPending($api, $deadline, $result);

		return $result;
	}

	/**
	 * Whether a TicketState answer means support no longer needs the store: resolved or closed, the
	 * API asked for the access to be disabled, or the API no longer returns the ticket at all.
	 */
	public static function finished(array $response) {
		$codes = array();

		if (!empty($response['errors']) && is_array($response['errors'])) {
			foreach ($response['errors'] as $error) {
				$codes[] = isset($error['extensions']['code']) ? (string)$error['extensions']['code'] : '';
			}
		}

		if (in_array('NOT_FOUND', $codes, true)) {
			return true;
		}

		if ($codes || !isset($response['data']) || !is_array($response['data']) || !array_key_exists('node', $response['data'])) {
			// Some other error, or no answer about the ticket: ask again next time.
			return false;
		}

		$node = $response['data']['node'];

		// null: deleted, or no longer visible to this key. No status: the ID is not a ticket's.
		if (!is_array($node) || !isset($node['status'])) {
			return true;
		}

		return in_array($node['status'], self::FINISHED, true) || !empty($node['disableAccessRequested']);
	}

	/**
	 * Tells the API the ticket's access was disabled.
	 *
	 * @return string confirmed; refused (the API said no: settled, not asked again); failed (asked
	 *                again later); unreachable (likewise, and no use asking about other tickets now)
	 */
	public function tell($api, $ticketId, array &$errors) {
		$input = array('ticketId' => $ticketId);

		// Names the user that was disabled: if the merchant has given other access since, the API
		// keeps it instead of destroying it on a confirmation that arrives late.
		$newest = 0;

		foreach ($this->unconfirmed() as $row) {
			if ((string)$row['ticket_id'] === (string)$ticketId && (int)$row['access_id'] > $newest) {
				$newest = (int)$row['access_id'];
				$input['storeAdminUsername'] = (string)$row['username'];
			}
		}

		try {
			$response = $api->execute('TicketAccessDisabledConfirm', array('input' => $input));
		} catch (ApiException $e) {
			$errors[] = $e->getMessage();

			return in_array($e->kind, array('TIMEOUT', 'UNREACHABLE'), true) ? 'unreachable' : 'failed';
		}

		$payload = isset($response['data']['ticketAccessDisabledConfirm']) ? $response['data']['ticketAccessDisabledConfirm'] : null;

		if (!is_array($payload)) {
			$plain = (new ApiMessages())->graphqlErrors($response);
			$errors[] = $plain ? $plain[0]['message'] : 'The support desk did not confirm.';

			return 'failed';
		}

		if (!empty($payload['userErrors'])) {
			$messages = array();
			$gone = false;

			foreach ($payload['userErrors'] as $error) {
				$code = isset($error['code']) ? (string)$error['code'] : '';
				$messages[] = ($code !== '' ? $code . ': ' : '') . (string)$error['message'];
				$gone = $gone || $code === 'NOT_FOUND';
			}

			$this->markRefused($ticketId, implode(' ', $messages));

			if ($gone) {
				// The API no longer has this ticket: there is nobody left to tell.
				return 'confirmed';
			}

			foreach ($payload['userErrors'] as $error) {
				$errors[] = (string)$error['message'];
			}

			return 'refused';
		}

		$this->markConfirmed($ticketId);

		return 'confirmed';
	}

	/** Tells the API about every ticket whose users were disabled but not confirmed yet. */
	private function confirmPending($api, $deadline, array &$result) {
		$pending = array();

		foreach ($this->unconfirmed() as $row) {
			$pending[(string)$row['ticket_id']] = true;
		}

		foreach (array_keys($pending) as $ticketId) {
			if (self::late($deadline)) {
				return;
			}

			$outcome = $this->tell($api, $ticketId, $result['errors']);

			if ($outcome === 'confirmed') {
				$result['confirmed'][] = $ticketId;
			} elseif ($outcome === 'unreachable') {
				// The API cannot be reached: do not wait once per ticket.
				return;
			}
		}
	}

	private static function late($deadline) {
		return $deadline !== null && microtime(true) >= $deadline;
	}

	/**
	 * Deletes the user this module created for a row (even if someone enabled or renamed it), with its
	 * rows in OpenCart 4.x's login tables.
	 *
	 * @return int 1 if deleted, 0 if no such user was left
	 */
	private function deleteUser(array $row) {
		$this->db->query("DELETE FROM `" . $this->prefix . "user` WHERE " . $this->userMatch($row));
		$deleted = (int)$this->db->countAffected();

		// The merchant deleted the user already and the ID may now be someone else's: their logins stay.
		if (!$deleted) {
			return 0;
		}

		foreach (self::USER_TABLES as $table) {
			if ($this->db->query("SHOW TABLES LIKE '" . $this->db->escape($this->prefix . $table) . "'")->num_rows) {
				$this->db->query("DELETE FROM `" . $this->prefix . $table . "` WHERE `user_id` = '" . (int)$row['user_id'] . "'");
			}
		}

		return 1;
	}

	/**
	 * Disables the row's user, then marks the row disabled. No user matching: the merchant deleted it,
	 * nothing is left to disable. A failing UPDATE throws before the row is marked, so the user is
	 * tried again rather than shown as disabled.
	 */
	private function disableRow(array $row) {
		$this->db->query("UPDATE `" . $this->prefix . "user` SET `status` = '0', " . $this->passwordColumns(self::strongPassword(32)) . " WHERE " . $this->userMatch($row));
		$this->db->query("UPDATE `" . $this->table() . "` SET `disabled_at` = NOW() WHERE `access_id` = '" . (int)$row['access_id'] . "'");
	}

	/**
	 * The WHERE condition for the user this module created for a row. Not by ID alone: if the merchant
	 * deleted the user, its ID may since belong to a real admin. By ID and name, or ID and date_added:
	 * a temporary user (with admin rights) may rename itself but keeps its date_added, while a user
	 * that got a deleted user's ID was created later. Rows from before user_date_added: ID and name.
	 */
	private function userMatch(array $row) {
		$id = "`user_id` = '" . (int)$row['user_id'] . "'";
		$name = "`username` = '" . $this->db->escape($row['username']) . "'";

		if (isset($row['user_date_added']) && (string)$row['user_date_added'] !== '') {
			return $id . " AND (" . $name . " OR `date_added` = '" . $this->db->escape($row['user_date_added']) . "')";
		}

		return $id . " AND " . $name;
	}

	/** The SET clause for a password, the way this OpenCart line checks it at login. */
	private function passwordColumns($password) {
		if ($this->line === '4.x') {
			return "`password` = '" . $this->db->escape(password_hash($password, PASSWORD_DEFAULT)) . "'";
		}

		// 2.x/3.0: sha1(salt . sha1(salt . sha1(password))) with a 9-character salt.
		$salt = substr(bin2hex(random_bytes(8)), 0, 9);

		return "`salt` = '" . $this->db->escape($salt) . "', `password` = '" . $this->db->escape(sha1($salt . sha1($salt . sha1($password)))) . "'";
	}

	private function adminGroupId() {
		$query = $this->db->query("SELECT `user_group_id` FROM `" . $this->prefix . "user_group` WHERE `name` = 'Administrator'");

		if ($query->num_rows) {
			return (int)$query->row['user_group_id'];
		}

		return 1;
	}

	private function dedicatedGroupId() {
		$query = $this->db->query("SELECT `user_group_id` FROM `" . $this->prefix . "user_group` WHERE `name` = '" . $this->db->escape(self::GROUP_NAME) . "'");

		return $query->num_rows ? (int)$query->row['user_group_id'] : null;
	}

	/** The dedicated group, created with the Administrator group's permissions when missing. */
	private function ensureDedicatedGroup() {
		$existing = $this->dedicatedGroupId();

		if ($existing !== null) {
			return $existing;
		}

		$admin = $this->db->query("SELECT `permission` FROM `" . $this->prefix . "user_group` WHERE `user_group_id` = '" . (int)$this->adminGroupId() . "'");
		$permission = $admin->num_rows ? (string)$admin->row['permission'] : json_encode(array('access' => array(), 'modify' => array()));

		$this->db->query("INSERT INTO `" . $this->prefix . "user_group` SET `name` = '" . $this->db->escape(self::GROUP_NAME) . "', `permission` = '" . $this->db->escape($permission) . "'");

		return (int)$this->db->getLastId();
	}

	/** The table's name, for every query that needs its current columns: it is brought up to date first. */
	private function table() {
		$this->ensureSchema();

		return $this->tableName();
	}

	private function tableName() {
		return $this->prefix . self::TABLE;
	}

	/** Adds the ADDED_COLUMNS an earlier build's table lacks (OpenCart's DB drivers run any SQL). */
	private function ensureSchema() {
		if ($this->schemaChecked) {
			return;
		}

		$missing = $this->missingColumns();

		foreach ($missing as $column) {
			try {
				$this->db->query("ALTER TABLE `" . $this->tableName() . "` ADD COLUMN `" . $column . "` " . self::ADDED_COLUMNS[$column]);
			} catch (\Exception $e) {
				// Another request (an admin page loading alongside) may have added it just now.
				if (in_array($column, $this->missingColumns(), true)) {
					throw $e;
				}
			}
		}

		$this->schemaChecked = true;
	}

	private function missingColumns() {
		$present = array();

		foreach ($this->db->query("SHOW COLUMNS FROM `" . $this->tableName() . "`")->rows as $row) {
			$present[] = (string)$row['Field'];
		}

		return array_values(array_diff(array_keys(self::ADDED_COLUMNS), $present));
	}
}
