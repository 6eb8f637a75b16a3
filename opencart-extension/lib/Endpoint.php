<?php
// OpenCart Support Desk: shared library (PHP 7.3+).
// The module's JSON endpoint: the browser's only way to the API. The OpenCart controller checks
// the admin's user_token and permission, then hands the request here.
namespace OcSupportDesk;

class Endpoint {
	/** Settings keys, stored with OpenCart's model_setting_setting under the "module_oc_support_desk" code. */
	const CODE = 'module_oc_support_desk';
	const KEY_ENDPOINT = 'module_oc_support_desk_endpoint';
	const KEY_API_KEY = 'module_oc_support_desk_api_key';
	const KEY_STATUS = 'module_oc_support_desk_status';
	const KEY_LAST_SWEEP = 'module_oc_support_desk_last_sweep';

	/** Operations the server runs itself, with data the browser must not choose (environment, credentials). */
	const SERVER_ONLY = array('TicketCreate', 'TicketAccessProvide', 'TicketAccessDisabledConfirm', 'TicketState', 'NotificationUnreadCount', 'NotificationsReadForTicket', 'AccountNotices', 'NotificationsMarkRead');

	/** Browser operations whose answer shows tickets with their status: finished ones are cleaned up before they are shown. */
	const SHOWS_TICKETS = array('TicketList', 'TicketDetail');

	/** Seconds between two automatic checks for resolved tickets on admin page loads. */
	const SWEEP_INTERVAL = 60;

	/**
	 * Seconds per API call on paths the merchant did not ask for (the admin-visit event, uninstall):
	 * a slow API must not hold up every admin page.
	 */
	const BACKGROUND_TIMEOUT = 3;
	/** Seconds after which those paths make no further API call. */
	const BACKGROUND_BUDGET = 5;

	/**
	 * What the browser is told when the store itself fails (a DB error, say): OpenCart's exceptions
	 * carry SQL and paths, which go to the log only.
	 */
	const INTERNAL_MESSAGE = 'Your store ran into an error while doing this. The details are in OpenCart\'s error log (System > Maintenance > Error Logs).';

	private $deps;
	private $settings;
	private $operations;
	/** @var AccessManager|null */
	private $accessManager;
	/** @var ApiMessages the API's errors in plain words, and the secrets no answer may contain */
	private $messages;

	/**
	 * @param array $deps
	 *   version        VERSION
	 *   db, prefix     the DB handle and DB_PREFIX
	 *   settings       this module's settings (module_oc_support_desk_*)
	 *   saveSettings   callable(array $settings): stores all module settings
	 *   canModify      bool: the admin has "modify" permission on the module
	 *   adminUrl       the admin's base URL, given to support with a temporary user
	 *   timezone       the admin's time zone (date_default_timezone_get() after OpenCart's startup)
	 *   detector       array of Detector options (paths, settings, server, query, storeUrl, adminLanguage)
	 *   operations     name => array(type, document): the generated allowlist
	 *   http           optional Http
	 *   timeout        optional seconds
	 *   line           "3.0" or "4.x": the package installed
	 *   loginSecurity  the name of the OpenCart setting that asks every admin login for a code sent
	 *                  by e-mail (4.0.2+ "config_security", 4.1 "config_user_2fa") when it is on, else
	 *                  '': a temporary user has no e-mail address, so it could not log in
	 *   log            optional callable(string $message): OpenCart's log, for errors the browser only hears about
	 *   cache          optional OpenCart cache (get, set): keeps the menu's unread count a while
	 *   now            optional callable(): int, seconds since the epoch (time() by default)
	 */
	public function __construct(array $deps) {
		$this->deps = $deps + array(
			'settings' => array(),
			'saveSettings' => null,
			'canModify' => false,
			'adminUrl' => '',
			'timezone' => date_default_timezone_get(),
			'detector' => array(),
			'http' => null,
			'timeout' => 15,
			'line' => null,
			'loginSecurity' => '',
			'log' => null,
			'cache' => null,
			'now' => null,
		);
		$this->settings = $this->deps['settings'];
		$this->operations = $this->deps['operations'];
		$this->messages = new ApiMessages();
	}

	/**
	 * @param string $action
	 * @param array  $input the decoded JSON body
	 * @return array status (HTTP status) and body (array, sent as JSON)
	 */
	public function handle($action, array $input) {
		$handlers = array(
			'bootstrap' => array('bootstrap', false),
			'settings.save' => array('saveSettings', true),
			// Sends the key to an address: as sensitive as changing the settings.
			'settings.test' => array('testConnection', true),
			'environment' => array('environment', false),
			'graphql' => array('graphql', false),
			'ticket.create' => array('createTicket', true),
			'access.provide' => array('provideAccess', true),
			'access.disable' => array('disableAccess', true),
			'access.sweep' => array('sweep', false),
			'attachment.download' => array('downloadAttachment', false),
			// Opening a ticket is reading it: as much as "access" allows.
			'notifications.readTicket' => array('readTicketNotifications', false),
			// Showing the tickets list is reading the account's notices shown on it.
			'notifications.account' => array('accountNotices', false),
		);

		if (!isset($handlers[$action])) {
			return self::failure(404, 'UNKNOWN_ACTION', 'Unknown action.');
		}

		list($method, $needsModify) = $handlers[$action];

		if ($needsModify && !$this->deps['canModify']) {
			return self::failure(403, 'PERMISSION', 'You do not have permission to change the support module. Ask the store owner to allow "modify" for it under System > Users > User Groups.');
		}

		try {
			$result = $this->$method($input);
		} catch (ApiException $e) {
			$result = self::failure($e->kind === 'NOT_CONFIGURED' ? 409 : 502, $e->kind, $e->getMessage());
		} catch (\Throwable $e) {
			// OpenCart's DB drivers throw plain exceptions: answered as JSON, or OpenCart shows an HTML error page.
			$this->logError($action, $e);
			$result = self::failure(500, 'INTERNAL', self::INTERNAL_MESSAGE);
		}

		// A password typed into the form, or the one generated for a temporary user, never comes back.
		$result['body'] = $this->messages->clean($result['body']);

		return $result;
	}

	/**
	 * The admin-visit event (admin/controller/common/header/before): disables temporary users whose
	 * ticket is finished or that are too old, whatever the module's status. Throttled, and with a
	 * short timeout, since it runs before an admin page is shown.
	 */
	public function adminVisit() {
		$this->deps['timeout'] = min((int)$this->deps['timeout'], self::BACKGROUND_TIMEOUT);

		try {
			return $this->sweep(array(), microtime(true) + self::BACKGROUND_BUDGET);
		} catch (ApiException $e) {
			return self::failure(502, $e->kind, $e->getMessage());
		}
	}

	/**
	 * The count for the module's entry in the admin menu: unread support notifications, kept in the
	 * admin's session for a short while. Null when the module is switched off, not configured, or the
	 * API cannot be asked right now: the menu then shows no count, and the page is not held up.
	 *
	 * @return int|null
	 */
	public function unreadCount() {
		return $this->enabled() ? $this->badge()->count() : null;
	}

	/**
	 * Uninstall: disables every temporary user, tells the API where it can (short timeout, best
	 * effort), deletes the users and the dedicated group, drops the table.
	 *
	 * @return array what AccessManager::uninstall() did
	 */
	public function uninstall() {
		$api = new ApiClient($this->setting(self::KEY_ENDPOINT), $this->setting(self::KEY_API_KEY), $this->documents(), $this->deps['http'], min((int)$this->deps['timeout'], self::BACKGROUND_TIMEOUT));

		return $this->access()->uninstall($api->isConfigured() ? $api : null, microtime(true) + self::BACKGROUND_BUDGET);
	}

	public static function success(array $body) {
		return array('status' => 200, 'body' => array('ok' => true) + $body);
	}

	public static function failure($status, $code, $message) {
		return array('status' => $status, 'body' => array('ok' => false, 'error' => array('code' => $code, 'message' => $message)));
	}

	// ---------------------------------------------------------------- actions

	private function bootstrap(array $input) {
		$detector = $this->detector();
		$platform = $detector->platform();

		return self::success(array(
			'settings' => $this->publicSettings(),
			'canModify' => (bool)$this->deps['canModify'],
			'timezone' => (string)$this->deps['timezone'],
			'line' => $this->deps['line'],
			'platform' => array(
				'platform' => $platform['platform'],
				'opencartVersion' => $platform['opencartVersion'],
				'platformVersion' => $platform['platformVersion'],
			),
			'accesses' => $this->accesses(),
			'temporaryAdmin' => array(
				'available' => $this->loginSecurityMessage() === null,
				'message' => $this->loginSecurityMessage(),
			),
			'uploadBytes' => self::uploadBytes(ini_get('post_max_size')),
		));
	}

	private function saveSettings(array $input) {
		$endpoint = isset($input['endpoint']) ? trim((string)$input['endpoint']) : '';
		$apiKey = isset($input['apiKey']) ? trim((string)$input['apiKey']) : '';

		if ($endpoint !== '' && !ApiClient::validEndpoint($endpoint)) {
			return self::failure(422, 'INVALID_ENDPOINT', ApiClient::ENDPOINT_RULE);
		}

		$settings = $this->settings;
		$settings[self::KEY_ENDPOINT] = $endpoint;
		$settings[self::KEY_STATUS] = !empty($input['status']) ? '1' : '0';
		$notice = null;

		// An empty key field keeps the stored key (the browser never receives it, so cannot send it
		// back), but only with the endpoint it was saved with: a new address needs the key entered
		// again, so nobody can redirect the stored key elsewhere.
		if ($apiKey !== '') {
			$settings[self::KEY_API_KEY] = $apiKey;
		} elseif ($endpoint !== $this->setting(self::KEY_ENDPOINT) && $this->setting(self::KEY_API_KEY) !== '') {
			$settings[self::KEY_API_KEY] = '';
			$notice = 'The endpoint changed, so the stored API key was removed. Enter your merchant API key for the new endpoint.';
		}

		if (!empty($input['clearApiKey'])) {
			$settings[self::KEY_API_KEY] = '';
		}

		if (is_callable($this->deps['saveSettings'])) {
			call_user_func($this->deps['saveSettings'], $settings);
		}

		$this->settings = $settings;

		return self::success(array('settings' => $this->publicSettings(), 'notice' => $notice));
	}

	private function testConnection(array $input) {
		$stored = trim($this->setting(self::KEY_ENDPOINT));
		$endpoint = isset($input['endpoint']) && trim((string)$input['endpoint']) !== '' ? trim((string)$input['endpoint']) : $stored;
		$apiKey = isset($input['apiKey']) ? trim((string)$input['apiKey']) : '';

		if ($endpoint !== '' && !ApiClient::validEndpoint($endpoint)) {
			return self::failure(422, 'INVALID_ENDPOINT', ApiClient::ENDPOINT_RULE);
		}

		if ($apiKey === '') {
			if ($endpoint !== $stored) {
				return self::failure(422, 'API_KEY_REQUIRED', 'Enter your merchant API key to test another endpoint: the stored key is only sent to the endpoint it was saved with.');
			}

			$apiKey = $this->setting(self::KEY_API_KEY);
		}

		$api = new ApiClient($endpoint, $apiKey, $this->documents(), $this->deps['http'], min(10, (int)$this->deps['timeout']));
		$response = $api->execute('Viewer');

		if (empty($response['data']['viewer'])) {
			$errors = $this->messages->graphqlErrors($response);
			$message = $errors ? $errors[0]['message'] : 'The API answered, but did not recognise your merchant API key.';

			return self::failure(401, 'UNAUTHENTICATED', $message);
		}

		return self::success(array('viewer' => $response['data']['viewer']));
	}

	private function environment(array $input) {
		return self::success(array('environment' => $this->detector()->detect(!empty($input['includeErrorLog']))));
	}

	private function graphql(array $input) {
		$name = isset($input['operation']) ? (string)$input['operation'] : '';
		$variables = isset($input['variables']) && is_array($input['variables']) ? $input['variables'] : array();

		if (!isset($this->operations[$name]) || in_array($name, self::SERVER_ONLY, true)) {
			return self::failure(400, 'UNKNOWN_OPERATION', 'This operation is not available to the browser.');
		}

		if ($this->operations[$name]['type'] !== 'query' && !$this->deps['canModify']) {
			return self::failure(403, 'PERMISSION', 'You do not have permission to change the support module.');
		}

		$response = $this->api()->execute($name, $variables);
		$data = isset($response['data']) ? $response['data'] : null;
		$body = array('data' => $data, 'errors' => $this->messages->graphqlErrors($response));

		if (in_array($name, self::SHOWS_TICKETS, true) && is_array($data)) {
			$body['disabledNow'] = $this->settleShown($data);
			$body['accesses'] = $this->accesses();
		}

		return self::success($body);
	}

	/**
	 * Disables the temporary users of the finished tickets in an answer the merchant is about to see
	 * (the list, a ticket page), and tells the API: the page never shows a resolved ticket beside an
	 * active temporary user, and the user goes the moment the module learns of the resolution.
	 *
	 * @return array list of array(ticketNumber, username): the users disabled now
	 */
	private function settleShown(array $data) {
		$nodes = array();

		if (isset($data['node']) && is_array($data['node'])) {
			$nodes[] = $data['node'];
		}

		if (isset($data['tickets']['edges']) && is_array($data['tickets']['edges'])) {
			foreach ($data['tickets']['edges'] as $edge) {
				if (isset($edge['node']) && is_array($edge['node'])) {
					$nodes[] = $edge['node'];
				}
			}
		}

		$manager = $this->access();
		$disabled = array();

		if (!$manager->active()) {
			return $disabled;
		}

		foreach ($nodes as $node) {
			if (!isset($node['id'], $node['status']) || !in_array($node['status'], AccessManager::FINISHED, true)) {
				continue;
			}

			$ticketId = (string)$node['id'];
			$rows = $manager->activeFor($ticketId);

			if (!$rows) {
				continue;
			}

			$manager->disable($ticketId);
			// Best effort: a confirmation that fails now is sent again by the next clean-up.
			$errors = array();
			$manager->tell($this->api(), $ticketId, $errors);

			foreach ($rows as $row) {
				$disabled[] = array('ticketNumber' => (string)$row['ticket_number'], 'username' => (string)$row['username']);
			}
		}

		return $disabled;
	}

	/**
	 * Files a ticket with its store access in one request: the API stores both or neither, so a
	 * refused access leaves no ticket and uses no allowance. The form is checked before anything is
	 * created, and a temporary user made for the ticket is deleted again when the ticket is not filed.
	 */
	/**
	 * A file of a ticket or reply, for the browser to save: its bytes come from the API with the
	 * stored key, so the key never reaches the page, and only files the key may see come back.
	 */
	private function downloadAttachment(array $input) {
		$file = $this->api()->download(isset($input['id']) ? (string)$input['id'] : '');

		if ($file === null) {
			return self::failure(404, 'NOT_FOUND', 'This file does not exist or is not one of your tickets\' files.');
		}

		return self::success(array('contentType' => $file['contentType'], 'contentBase64' => base64_encode($file['bytes'])));
	}

	/**
	 * Bytes of files one request to this endpoint may carry: they travel in base64 (4 characters per
	 * 3 bytes) inside a JSON body that PHP's post_max_size bounds. 0 or unset: the API's own limit.
	 */
	public static function uploadBytes($postMaxSize) {
		$limit = 10 * 1024 * 1024;
		$text = trim((string)$postMaxSize);

		if (!preg_match('/^(\d+)\s*([KMG]?)/i', $text, $m) || (int)$m[1] === 0) {
			return $limit;
		}

		$bytes = (int)$m[1] * array('' => 1, 'K' => 1024, 'M' => 1048576, 'G' => 1073741824)[strtoupper($m[2])];

		return max(0, min($limit, (int)floor(($bytes - 64 * 1024) * 3 / 4)));
	}

	/** The files sent with a new ticket, as the API takes them: a name and base64 bytes each; the API checks the rest. */
	private static function attachments(array $input) {
		$files = array();

		foreach (isset($input['attachments']) && is_array($input['attachments']) ? $input['attachments'] : array() as $file) {
			if (is_array($file) && isset($file['fileName'], $file['contentBase64']) && is_string($file['fileName']) && is_string($file['contentBase64'])) {
				$files[] = array('fileName' => $file['fileName'], 'contentBase64' => $file['contentBase64']);
			}
		}

		return $files;
	}

	private function createTicket(array $input) {
		$access = isset($input['access']) && is_array($input['access']) ? $input['access'] : array();
		$problems = array_merge(self::ticketProblems($input), self::accessProblems($access, array('access')));

		if ($problems) {
			return self::success(array('data' => null, 'errors' => $problems));
		}

		$temporary = !empty($access['createTemporaryAdmin']);

		// Refused before anything is filed: the merchant chooses their own login first.
		if ($temporary && $this->loginSecurityMessage() !== null) {
			return self::failure(409, 'LOGIN_SECURITY', $this->loginSecurityMessage());
		}

		$ticketInput = array(
			'subject' => trim((string)$input['subject']),
			'description' => (string)$input['description'],
			'category' => (string)$input['category'],
			'environment' => $this->detector()->detect(!empty($input['includeErrorLog'])),
		);

		if (!empty($input['idempotencyKey'])) {
			$ticketInput['idempotencyKey'] = (string)$input['idempotencyKey'];
		}

		$attachments = self::attachments($input);

		if ($attachments) {
			$ticketInput['attachments'] = $attachments;
		}

		$created = $temporary ? $this->access()->createTemporaryAdmin('', '', self::group($access)) : null;
		$ticketInput['access'] = $this->accessInput($access, $created);

		try {
			$response = $this->api()->execute('TicketCreate', array('input' => $ticketInput));
		} catch (\Throwable $e) {
			// Whether or not the API stored it, nobody will log in with a user that is gone.
			$this->deleteCreated($created);

			throw $e;
		}

		$payload = isset($response['data']['ticketCreate']) ? $response['data']['ticketCreate'] : null;

		if (!is_array($payload) || !empty($payload['userErrors']) || empty($payload['ticket'])) {
			$this->deleteCreated($created);
			$errors = $this->messages->graphqlErrors($response);

			if (is_array($payload) && !empty($payload['userErrors'])) {
				$errors = array_merge($errors, $this->messages->userErrors($payload['userErrors']));
			}

			if (!$errors) {
				$errors[] = array('message' => 'The support desk did not file the ticket. Please try again in a few minutes.', 'code' => null);
			}

			return self::success(array('data' => null, 'errors' => $errors));
		}

		$ticket = $payload['ticket'];
		$replayed = false;

		foreach (isset($payload['notices']) && is_array($payload['notices']) ? $payload['notices'] : array() as $notice) {
			$replayed = $replayed || (isset($notice['code']) && $notice['code'] === 'IDEMPOTENT_REPLAY');
		}

		$body = array('data' => $response['data'], 'errors' => array(), 'access' => array('ok' => true, 'accepted' => true, 'replayed' => $replayed, 'errors' => array(), 'temporaryUser' => null));

		if ($created !== null) {
			try {
				$body['access']['temporaryUser'] = $this->keepCreated($created, $ticket, $replayed);
			} catch (\Throwable $e) {
				// The ticket is filed: a reload must not file it again, so this is not reported as a failure to file.
				$this->logError('ticket.create', $e);
				$body['access']['temporaryUser'] = array('username' => $created['username']);
				$body['access']['storeError'] = 'Your store could not note which ticket the temporary admin user belongs to. The details are in OpenCart\'s error log (System > Maintenance > Error Logs).';
			}
		}

		return self::success($body);
	}

	/**
	 * The temporary user made for a filed ticket: recorded for it, or, when the form had been sent
	 * before (the API kept the first submission's access), deleted in favour of the first one.
	 */
	private function keepCreated(array $created, array $ticket, $replayed) {
		$ticketId = (string)$ticket['id'];
		$manager = $this->access();

		if ($replayed) {
			$manager->deleteUnused($created['access_id']);
			$existing = $manager->activeFor($ticketId);

			return $existing ? array('username' => (string)$existing[count($existing) - 1]['username']) : null;
		}

		$manager->assign($created['access_id'], $ticketId, isset($ticket['number']) ? (string)$ticket['number'] : '');

		return array('username' => $created['username']);
	}

	/** Provides or replaces the access of a filed ticket (the ticket page). */
	private function provideAccess(array $input) {
		$ticketId = isset($input['ticketId']) ? (string)$input['ticketId'] : '';

		if ($ticketId === '') {
			return self::failure(422, 'INVALID', 'Which ticket is the access for?');
		}

		$problems = self::accessProblems($input, array());

		if ($problems) {
			return self::success(array('accepted' => false, 'data' => null, 'errors' => $problems, 'temporaryUser' => null));
		}

		$temporary = !empty($input['createTemporaryAdmin']);

		if ($temporary && $this->loginSecurityMessage() !== null) {
			return self::failure(409, 'LOGIN_SECURITY', $this->loginSecurityMessage());
		}

		$created = null;
		$manager = $this->access();
		// Temporary users this ticket already has: the new access replaces them at the API.
		$previous = $manager->activeFor($ticketId);

		if ($temporary) {
			// Never two enabled temporary users for one ticket: the earlier one goes first.
			$manager->disable($ticketId);
			$created = $manager->createTemporaryAdmin($ticketId, isset($input['ticketNumber']) ? (string)$input['ticketNumber'] : '', self::group($input));
		}

		$accessInput = $this->accessInput($input, $created);
		$accessInput['ticketId'] = $ticketId;

		try {
			$response = $this->api()->execute('TicketAccessProvide', array('input' => $accessInput));
		} catch (\Throwable $e) {
			if ($created !== null && $e instanceof ApiException && in_array($e->kind, array('TIMEOUT', 'UNREACHABLE'), true)) {
				// The API may have stored it before the answer was lost: disabled, but still to be
				// confirmed by name, which the API refuses if it never stored this user.
				$manager->disableOnly($created['access_id']);
			} else {
				$this->deleteCreated($created);
			}

			throw $e;
		}

		$payload = isset($response['data']['ticketAccessProvide']) ? $response['data']['ticketAccessProvide'] : null;
		$accepted = is_array($payload) && empty($payload['userErrors']) && empty($response['errors']);
		$errors = $this->messages->graphqlErrors($response);

		if ($accepted) {
			// The API replaced the ticket's access: it no longer holds the earlier temporary users'
			// passwords, so they are disabled (if not yet) and need no confirmation.
			foreach ($previous as $row) {
				$manager->revoke($row['access_id']);
			}

			// Earlier users disabled before (their confirmation still due): telling the API now would
			// destroy the access it was just given.
			$manager->settleEarlier($ticketId, $created !== null ? $created['access_id'] : null);
		} else {
			// Support never got the password: the user goes at once.
			$this->deleteCreated($created);

			if (is_array($payload) && !empty($payload['userErrors'])) {
				$errors = array_merge($errors, $this->messages->userErrors($payload['userErrors']));
			}

			if (!$errors) {
				$errors[] = array('message' => 'The support desk did not accept the access.', 'code' => null);
			}
		}

		return self::success(array(
			'accepted' => $accepted,
			'data' => isset($response['data']) ? $response['data'] : null,
			'errors' => $errors,
			'temporaryUser' => $created !== null && $accepted ? array('username' => $created['username']) : null,
		));
	}

	/**
	 * The TicketAccessInput for the API: the temporary user just created or the admin login typed in,
	 * and the FTP/SFTP access. Its secrets are remembered so that no answer repeats them.
	 */
	private function accessInput(array $access, $created) {
		if ($created !== null) {
			$storeAdmin = array('url' => (string)$this->deps['adminUrl'], 'username' => $created['username'], 'password' => $created['password']);
		} else {
			$storeAdmin = array('url' => (string)$this->deps['adminUrl'], 'username' => trim((string)$access['storeAdmin']['username']), 'password' => (string)$access['storeAdmin']['password']);
		}

		$file = self::pick($access['fileAccess'], array('protocol', 'host', 'port', 'username', 'password', 'privateKey', 'rootPath'));

		if (isset($file['port'])) {
			$file['port'] = (int)$file['port'];
		}

		$input = array('storeAdmin' => $storeAdmin, 'fileAccess' => $file);
		$this->messages->hideAccess($input);

		return $input;
	}

	/** "admin" (the Administrator group) or "dedicated" (a group of its own). */
	private static function group(array $access) {
		return isset($access['userGroup']) && $access['userGroup'] === 'admin' ? 'admin' : 'dedicated';
	}

	/** What the ticket form lacks, checked before anything is created (the API's limits, TicketCreateInput). */
	private static function ticketProblems(array $input) {
		$problems = array();
		$text = function ($key) use ($input) {
			return isset($input[$key]) && is_scalar($input[$key]) ? trim((string)$input[$key]) : '';
		};
		$length = function ($value) {
			return function_exists('mb_strlen') ? mb_strlen($value, 'UTF-8') : strlen($value);
		};

		if ($text('category') === '') {
			$problems[] = array('message' => ApiMessages::TICKET_FIELDS['category'], 'code' => 'INVALID', 'field' => array('category'));
		}

		if ($length($text('subject')) < 3 || $length($text('subject')) > 200) {
			$problems[] = array('message' => ApiMessages::TICKET_FIELDS['subject'], 'code' => 'INVALID', 'field' => array('subject'));
		}

		if ($length($text('description')) < 10) {
			$problems[] = array('message' => ApiMessages::TICKET_FIELDS['description'], 'code' => 'INVALID', 'field' => array('description'));
		}

		return $problems;
	}

	/**
	 * What the access part of a form lacks. The support policy asks for working store-admin AND FTP
	 * access: a temporary admin user or an admin login, plus FTP, FTPS or SFTP.
	 *
	 * @param array $base the field path the access sits under, for the UI
	 */
	private static function accessProblems(array $access, array $base) {
		$problems = array();
		$add = function (array $field, $message) use (&$problems, $base) {
			$problems[] = array('message' => $message, 'code' => 'INVALID', 'field' => array_merge($base, $field));
		};
		$text = function ($array, $key) {
			return is_array($array) && isset($array[$key]) && is_scalar($array[$key]) ? trim((string)$array[$key]) : '';
		};

		if (empty($access['createTemporaryAdmin'])) {
			$admin = isset($access['storeAdmin']) ? $access['storeAdmin'] : null;

			if ($text($admin, 'username') === '' || $text($admin, 'password') === '') {
				$add(array('storeAdmin'), 'Store admin access: choose a temporary admin user, or enter your own admin username and password.');
			}
		}

		$file = isset($access['fileAccess']) && is_array($access['fileAccess']) ? $access['fileAccess'] : array();
		$protocol = $text($file, 'protocol');

		if (!in_array($protocol, array('FTP', 'FTPS', 'SFTP'), true)) {
			$add(array('fileAccess', 'protocol'), ApiMessages::ACCESS_FIELDS['fileAccess.protocol']);
		}

		if ($text($file, 'host') === '') {
			$add(array('fileAccess', 'host'), ApiMessages::ACCESS_FIELDS['fileAccess.host']);
		}

		$port = $text($file, 'port');

		if ($port !== '' && (!ctype_digit($port) || (int)$port < 1 || (int)$port > 65535)) {
			$add(array('fileAccess', 'port'), ApiMessages::ACCESS_FIELDS['fileAccess.port']);
		}

		if ($text($file, 'username') === '') {
			$add(array('fileAccess', 'username'), ApiMessages::ACCESS_FIELDS['fileAccess.username']);
		}

		if ($text($file, 'password') === '' && !($protocol === 'SFTP' && $text($file, 'privateKey') !== '')) {
			$add(array('fileAccess', 'password'), ApiMessages::ACCESS_FIELDS['fileAccess.password']);
		}

		return $problems;
	}

	private function disableAccess(array $input) {
		$ticketId = isset($input['ticketId']) ? (string)$input['ticketId'] : '';
		$manager = $this->access();
		$disabled = $manager->disable($ticketId);
		$errors = array();
		$outcome = null;

		foreach ($manager->unconfirmed() as $row) {
			if ((string)$row['ticket_id'] === $ticketId) {
				$outcome = $manager->tell($this->api(), $ticketId, $errors);

				break;
			}
		}

		return self::success(array(
			'disabled' => $disabled,
			'confirmed' => $outcome === 'confirmed',
			// The API said no: it is not asked again, so the page must not promise a retry.
			'refused' => $outcome === 'refused',
			'messages' => $errors,
			'accesses' => $this->accesses(),
		));
	}

	/**
	 * The merchant opened a ticket (or saw support's answer appear on it): its notifications are read,
	 * and the menu's count becomes the API's new one at once.
	 */
	private function readTicketNotifications(array $input) {
		$ticketId = isset($input['ticketId']) && is_string($input['ticketId']) ? $input['ticketId'] : '';

		if ($ticketId === '') {
			return self::failure(400, 'INVALID', 'No ticket given.');
		}

		$response = $this->api()->execute('NotificationsReadForTicket', array('ticketId' => $ticketId));
		$payload = isset($response['data']['notificationMarkAllRead']) && is_array($response['data']['notificationMarkAllRead']) ? $response['data']['notificationMarkAllRead'] : array();
		$count = isset($payload['unreadCount']) ? (int)$payload['unreadCount'] : null;

		if ($count !== null) {
			$this->badge()->remember($count);
		}

		return self::success(array('unreadCount' => $count, 'errors' => $this->messages->graphqlErrors($response)));
	}

	/**
	 * The tickets list is shown: the unread notices about the merchant's account rather than one
	 * ticket (a refund decision, the allowance nearly used) are shown on it and read now, and the
	 * menu's count becomes the API's new one at once. Without this, opening tickets would never
	 * read them and the menu would keep counting them.
	 */
	private function accountNotices(array $input) {
		$response = $this->api()->execute('AccountNotices', array());
		$errors = $this->messages->graphqlErrors($response);
		$nodes = isset($response['data']['viewer']['notifications']['nodes']) && is_array($response['data']['viewer']['notifications']['nodes']) ? $response['data']['viewer']['notifications']['nodes'] : array();
		$notices = array();

		foreach ($nodes as $node) {
			if (!is_array($node) || !isset($node['id']) || !empty($node['ticketNumber'])) {
				continue;
			}

			$notices[] = array(
				'id' => (string)$node['id'],
				'title' => isset($node['title']) ? (string)$node['title'] : '',
				'body' => isset($node['body']) ? (string)$node['body'] : '',
				'occurredAt' => isset($node['occurredAt']) ? (string)$node['occurredAt'] : null,
			);
		}

		$count = null;

		if ($notices) {
			$ids = array();

			foreach ($notices as $notice) {
				$ids[] = $notice['id'];
			}

			$read = $this->api()->execute('NotificationsMarkRead', array('ids' => $ids));
			$payload = isset($read['data']['notificationMarkRead']) && is_array($read['data']['notificationMarkRead']) ? $read['data']['notificationMarkRead'] : array();
			$count = isset($payload['unreadCount']) ? (int)$payload['unreadCount'] : null;
			$errors = array_merge($errors, $this->messages->graphqlErrors($read));

			if ($count !== null) {
				$this->badge()->remember($count);
			}
		}

		return self::success(array('notices' => $notices, 'unreadCount' => $count, 'errors' => $errors));
	}

	/**
	 * Called by the admin-visit event and by the module's pages: throttled. Runs whenever there are
	 * temporary users to disable or confirm, whether the module is enabled or not, and without an
	 * API configured too (users older than AccessManager::MAX_AGE_DAYS are disabled regardless).
	 */
	private function sweep(array $input, $deadline = null) {
		$manager = $this->access();

		if (!$manager->active() && !$manager->unconfirmed()) {
			return self::success(array('sweep' => null));
		}

		$last = (int)$this->setting(self::KEY_LAST_SWEEP);

		if (empty($input['force']) && time() - $last < self::SWEEP_INTERVAL) {
			return self::success(array('sweep' => null));
		}

		$settings = $this->settings;
		$settings[self::KEY_LAST_SWEEP] = (string)time();

		if (is_callable($this->deps['saveSettings'])) {
			call_user_func($this->deps['saveSettings'], $settings);
		}

		$this->settings = $settings;
		$api = $this->api();

		return self::success(array('sweep' => $manager->sweep($api->isConfigured() ? $api : null, $deadline)));
	}

	// ---------------------------------------------------------------- helpers

	/** Writes what went wrong to OpenCart's log, when the controller gave one. */
	private function logError($action, \Throwable $e) {
		if (is_callable($this->deps['log'])) {
			call_user_func($this->deps['log'], 'OpenCart Support Desk (' . $action . '): ' . get_class($e) . ': ' . $e->getMessage() . ' in ' . $e->getFile() . ':' . $e->getLine());
		}
	}

	/** Deletes a temporary user support never received. */
	private function deleteCreated($created) {
		if ($created !== null) {
			$this->access()->deleteUnused($created['access_id']);
		}
	}

	/** Why a temporary admin user cannot be used on this store, or null when it can. */
	private function loginSecurityMessage() {
		if ((string)$this->deps['loginSecurity'] === '') {
			return null;
		}

		return 'OpenCart asks every admin login on this store for a code sent by e-mail (two-factor security, setting "' . $this->deps['loginSecurity'] . '", under System > Settings > edit your store > Server tab). '
			. 'A temporary support user has no e-mail address, so support could not log in with it. '
			. 'Give support your own admin login instead, or switch that setting off and try again.';
	}

	private function accesses() {
		$rows = array();

		foreach ($this->access()->all() as $row) {
			// A ticket being filed right now: not a ticket's user yet.
			if ((string)$row['ticket_id'] === '') {
				continue;
			}

			$rows[] = array(
				'ticketId' => (string)$row['ticket_id'],
				'ticketNumber' => (string)$row['ticket_number'],
				'username' => (string)$row['username'],
				'createdAt' => (string)$row['created_at'],
				'disabledAt' => isset($row['disabled_at']) ? (string)$row['disabled_at'] : null,
				'confirmedAt' => isset($row['confirmed_at']) ? (string)$row['confirmed_at'] : null,
				'confirmRefused' => isset($row['confirm_refused']) ? (string)$row['confirm_refused'] : null,
			);
		}

		return $rows;
	}

	private function publicSettings() {
		$key = $this->setting(self::KEY_API_KEY);

		return array(
			'endpoint' => $this->setting(self::KEY_ENDPOINT),
			'hasApiKey' => $key !== '',
			// Enough to recognise which key is stored, never the key.
			'apiKeyHint' => strlen($key) > 12 ? '…' . substr($key, -4) : ($key !== '' ? '…' : ''),
			'status' => $this->enabled(),
		);
	}

	/** The merchant ticked "Enabled" in the settings. */
	public function enabled() {
		return $this->setting(self::KEY_STATUS) === '1';
	}

	private function setting($key) {
		return isset($this->settings[$key]) ? (string)$this->settings[$key] : '';
	}

	private function documents() {
		$documents = array();

		foreach ($this->operations as $name => $operation) {
			$documents[$name] = $operation['document'];
		}

		return $documents;
	}

	private function api() {
		return new ApiClient($this->setting(self::KEY_ENDPOINT), $this->setting(self::KEY_API_KEY), $this->documents(), $this->deps['http'], (int)$this->deps['timeout']);
	}

	private function badge() {
		$endpoint = $this->setting(self::KEY_ENDPOINT);
		$key = $this->setting(self::KEY_API_KEY);
		$api = new ApiClient($endpoint, $key, $this->documents(), $this->deps['http'], min((int)$this->deps['timeout'], UnreadBadge::TIMEOUT));
		$cache = $this->deps['cache'] !== null ? $this->deps['cache'] : new MemoryCache();

		// The cache keeps a digest, never the key: a count kept for another key or endpoint is not shown.
		return new UnreadBadge($api, hash('sha256', $endpoint . "\n" . $key), $cache, $this->deps['now']);
	}

	/** One AccessManager per request: it checks the table's columns once. */
	private function access() {
		if ($this->accessManager === null) {
			$this->accessManager = new AccessManager($this->deps['db'], $this->deps['prefix'], $this->deps['version']);
		}

		return $this->accessManager;
	}

	private function detector() {
		return new Detector($this->deps['version'], $this->deps['db'], $this->deps['prefix'], $this->deps['detector']);
	}

	private static function pick(array $source, array $keys) {
		$result = array();

		foreach ($keys as $key) {
			if (isset($source[$key]) && $source[$key] !== '') {
				$result[$key] = $source[$key];
			}
		}

		return $result;
	}
}
