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

	private $db;
	private $prefix;
	private $line;

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
		$this->db->query("CREATE TABLE IF NOT EXISTS `" . $this->table() . "` (
			`access_id` INT(11) NOT NULL AUTO_INCREMENT,
			`ticket_id` VARCHAR(128) NOT NULL,
			`ticket_number` VARCHAR(32) NOT NULL,
			`user_id` INT(11) NOT NULL,
			`username` VARCHAR(40) NOT NULL,
			`user_group_id` INT(11) NOT NULL,
			`created_at` DATETIME NOT NULL,
			`disabled_at` DATETIME NULL,
			`confirmed_at` DATETIME NULL,
			PRIMARY KEY (`access_id`),
			KEY `ticket_id` (`ticket_id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
	}

	/** Disables every temporary user still active, removes the dedicated group if unused, drops the table. */
	public function uninstall() {
		foreach ($this->active() as $row) {
			$this->disableUser((int)$row['user_id']);
		}

		$group = $this->dedicatedGroupId();

		if ($group !== null) {
			$users = $this->db->query("SELECT `user_id` FROM `" . $this->prefix . "user` WHERE `user_group_id` = '" . (int)$group . "' AND `status` = '1'");

			if (!$users->num_rows) {
				$this->db->query("DELETE FROM `" . $this->prefix . "user_group` WHERE `user_group_id` = '" . (int)$group . "'");
			}
		}

		$this->db->query("DROP TABLE IF EXISTS `" . $this->table() . "`");
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

		$this->db->query("INSERT INTO `" . $this->prefix . "user` SET " . $this->passwordColumns($password) . ", `username` = '" . $this->db->escape($username) . "', `user_group_id` = '" . (int)$groupId . "', `firstname` = '" . self::FIRSTNAME . "', `lastname` = '" . $this->db->escape('(temporary, ticket #' . $ticketNumber . ')') . "', `email` = '', `image` = '', `code` = '', `ip` = '', `status` = '1', `date_added` = NOW()");

		$userId = (int)$this->db->getLastId();

		$this->db->query("INSERT INTO `" . $this->table() . "` SET `ticket_id` = '" . $this->db->escape($ticketId) . "', `ticket_number` = '" . $this->db->escape($ticketNumber) . "', `user_id` = '" . $userId . "', `username` = '" . $this->db->escape($username) . "', `user_group_id` = '" . (int)$groupId . "', `created_at` = NOW()");

		return array('user_id' => $userId, 'username' => $username, 'password' => $password, 'user_group_id' => (int)$groupId);
	}

	/** "ocsupport_42_1a2b" for ticket OC-000042: recognisable, unique, within OpenCart's 20 characters. */
	public static function username($ticketNumber) {
		$digits = ltrim(preg_replace('/\D/', '', (string)$ticketNumber), '0');
		$tag = $digits !== '' ? $digits : strtolower(preg_replace('/[^0-9A-Za-z]/', '', (string)$ticketNumber));

		return 'ocsupport_' . ($tag !== '' ? substr($tag, -5) . '_' : '') . bin2hex(random_bytes(2));
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

		foreach ($this->active() as $row) {
			if ((string)$row['ticket_id'] !== (string)$ticketId) {
				continue;
			}

			$this->disableUser((int)$row['user_id']);
			$this->db->query("UPDATE `" . $this->table() . "` SET `disabled_at` = NOW() WHERE `access_id` = '" . (int)$row['access_id'] . "'");
			$count++;
		}

		return $count;
	}

	public function markConfirmed($ticketId) {
		$this->db->query("UPDATE `" . $this->table() . "` SET `confirmed_at` = NOW() WHERE `ticket_id` = '" . $this->db->escape($ticketId) . "' AND `confirmed_at` IS NULL");
	}

	/**
	 * Disables the users of finished tickets and tells the API, retrying confirmations that failed.
	 *
	 * @param ApiClient $api
	 * @return array disabled (ticket IDs), confirmed (ticket IDs), errors (messages)
	 */
	public function sweep($api) {
		$result = array('disabled' => array(), 'confirmed' => array(), 'errors' => array());
		$tickets = array();

		foreach ($this->active() as $row) {
			$tickets[(string)$row['ticket_id']] = true;
		}

		foreach (array_keys($tickets) as $ticketId) {
			try {
				$response = $api->execute('TicketState', array('id' => $ticketId));
			} catch (ApiException $e) {
				$result['errors'][] = $e->getMessage();

				return $result;
			}

			$node = isset($response['data']['node']) && is_array($response['data']['node']) ? $response['data']['node'] : array();
			$status = isset($node['status']) ? $node['status'] : null;
			$finished = in_array($status, self::FINISHED, true) || !empty($node['disableAccessRequested']);

			if ($finished && $this->disable($ticketId) > 0) {
				$result['disabled'][] = $ticketId;
			}
		}

		$pending = array();

		foreach ($this->unconfirmed() as $row) {
			$pending[(string)$row['ticket_id']] = true;
		}

		foreach (array_keys($pending) as $ticketId) {
			if ($this->confirm($api, $ticketId, $result['errors'])) {
				$result['confirmed'][] = $ticketId;
			}
		}

		return $result;
	}

	/** Tells the API the ticket's access was disabled; true when it accepted. */
	public function confirm($api, $ticketId, array &$errors) {
		try {
			$response = $api->execute('TicketAccessDisabledConfirm', array('input' => array('ticketId' => $ticketId)));
		} catch (ApiException $e) {
			$errors[] = $e->getMessage();

			return false;
		}

		$payload = isset($response['data']['ticketAccessDisabledConfirm']) ? $response['data']['ticketAccessDisabledConfirm'] : null;

		if (!is_array($payload)) {
			$errors[] = isset($response['errors'][0]['message']) ? (string)$response['errors'][0]['message'] : 'The support desk did not confirm.';

			return false;
		}

		if (!empty($payload['userErrors'])) {
			foreach ($payload['userErrors'] as $error) {
				$errors[] = (string)$error['message'];
			}

			return false;
		}

		$this->markConfirmed($ticketId);

		return true;
	}

	private function disableUser($userId) {
		$this->db->query("UPDATE `" . $this->prefix . "user` SET `status` = '0', " . $this->passwordColumns(self::strongPassword(32)) . " WHERE `user_id` = '" . (int)$userId . "'");
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

	private function table() {
		return $this->prefix . self::TABLE;
	}
}
