<?php
// OpenCart Support Desk for OpenCart 4.0.0.0 to 4.1. The thin, OpenCart-specific layer: renders
// the shell page, serves the module's JSON endpoint and installs the admin-visit event.
// Everything else lives in extension/oc_support_desk/system/library/oc_support_desk/ (shared with 3.0).
namespace Opencart\Admin\Controller\Extension\OcSupportDesk\Module;

class OcSupportDesk extends \Opencart\System\Engine\Controller {
	const CODE = 'oc_support_desk';
	const ROUTE = 'extension/oc_support_desk/module/oc_support_desk';
	/** Prefix of the module's en-gb texts, loaded beside the admin language's. */
	const ENGLISH = 'oc_support_desk_en_gb';

	public function index(): void {
		$this->loadLanguage();

		$this->document->setTitle($this->language->get('heading_title'));
		$this->document->addScript('../extension/oc_support_desk/admin/view/javascript/support-desk.js');

		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token)],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', $token . '&type=module')],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token)],
		];

		// 4.0.0.0 to 4.0.1.x separate the method with "|", 4.0.2.0 and later with ".".
		$data['endpoint'] = html_entity_decode($this->url->link(self::ROUTE . self::separator() . 'api', $token), ENT_QUOTES, 'UTF-8');
		$data['back'] = $this->url->link('marketplace/extension', $token . '&type=module');
		$data['timezone'] = date_default_timezone_get();
		$data['line'] = '4.x';

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/** The JSON endpoint: index.php?route=extension/oc_support_desk/module/oc_support_desk.api&user_token=…&action=… */
	public function api(): void {
		$this->loadLanguage();

		$token = (string)($this->request->get['user_token'] ?? '');

		if (!isset($this->session->data['user_token']) || !hash_equals((string)$this->session->data['user_token'], $token) || !$this->user->isLogged()) {
			$this->json(401, ['ok' => false, 'error' => ['code' => 'TOKEN', 'message' => $this->language->get('error_token')]]);

			return;
		}

		if (!$this->user->hasPermission('access', self::ROUTE)) {
			$this->json(403, ['ok' => false, 'error' => ['code' => 'PERMISSION', 'message' => $this->language->get('error_permission')]]);

			return;
		}

		if ($this->request->server['REQUEST_METHOD'] !== 'POST') {
			$this->json(405, ['ok' => false, 'error' => ['code' => 'METHOD', 'message' => 'POST only.']]);

			return;
		}

		$input = json_decode((string)file_get_contents('php://input'), true);
		$action = (string)($this->request->get['action'] ?? '');

		try {
			$result = $this->endpoint()->handle($action, is_array($input) ? $input : []);
		} catch (\Throwable $e) {
			// Answered as JSON all the same: OpenCart's HTML error page would read as an expired session.
			$this->log->write('OpenCart Support Desk (' . $action . '): ' . get_class($e) . ': ' . $e->getMessage() . ' in ' . $e->getFile() . ':' . $e->getLine());
			$result = ['status' => 500, 'body' => ['ok' => false, 'error' => ['code' => 'INTERNAL', 'message' => $this->language->get('error_internal')]]];
		}

		$this->json($result['status'], $result['body']);
	}

	/**
	 * Event admin/controller/common/header/before: disables temporary users of resolved tickets and
	 * those older than 30 days. Runs whether the module is enabled or not: a temporary admin user
	 * must not outlive its ticket because the module was switched off.
	 */
	public function onAdminVisit(string &$route = '', array &$args = []): void {
		if (!$this->user->isLogged()) {
			return;
		}

		try {
			$this->endpoint()->adminVisit();
		} catch (\Throwable $e) {
			$this->log->write('OpenCart Support Desk: ' . $e->getMessage());
		}

		// Registered here rather than stored at install: a store that only received newer files gets
		// the menu entry too. The header is built before the menu on every admin page.
		$this->event->register('view/common/column_left/before', new \Opencart\System\Engine\Action(self::ROUTE . self::separator() . 'onMenu'));
	}

	/**
	 * Event view/common/column_left/before: the module's entry in the admin menu, right after the
	 * dashboard, with the count of unread support notifications. The count never holds up or breaks
	 * the page: it is kept in OpenCart's cache a while, and an API that is down just means no count.
	 */
	public function onMenu(string &$route = '', array &$data = []): void {
		if (!$this->user->isLogged() || !$this->user->hasPermission('access', self::ROUTE) || !isset($data['menus']) || !is_array($data['menus'])) {
			return;
		}

		try {
			$endpoint = $this->endpoint();

			if (!$endpoint->enabled()) {
				return;
			}

			$count = $endpoint->unreadCount();
		} catch (\Throwable $e) {
			$this->log->write('OpenCart Support Desk (menu): ' . $e->getMessage());

			return;
		}

		$href = $this->url->link(self::ROUTE, 'user_token=' . $this->session->data['user_token']);
		\OcSupportDesk\MenuEntry::insert($data['menus'], \OcSupportDesk\MenuEntry::build('4.x', $count, $href));
	}

	public function install(): void {
		if (!$this->user->hasPermission('modify', 'extension/module')) {
			return;
		}

		$this->library();
		(new \OcSupportDesk\AccessManager($this->db, DB_PREFIX, VERSION))->install();

		$this->load->model('setting/event');
		$this->model_setting_event->deleteEventByCode(self::CODE);

		$action = self::ROUTE . self::separator() . 'onAdminVisit';
		$description = 'OpenCart Support Desk: disable temporary support users once their ticket is resolved';

		// 4.0.0.0 takes positional arguments, 4.0.1.0 and later one array.
		if (version_compare(VERSION, '4.0.1.0', '>=')) {
			$this->model_setting_event->addEvent([
				'code' => self::CODE,
				'description' => $description,
				'trigger' => 'admin/controller/common/header/before',
				'action' => $action,
				'status' => true,
				'sort_order' => 0,
			]);
		} else {
			$this->model_setting_event->addEvent(self::CODE, $description, 'admin/controller/common/header/before', $action, true, 0);
		}

		$this->load->model('setting/setting');
		$this->model_setting_setting->editSetting('module_' . self::CODE, ['module_' . self::CODE . '_status' => '0', 'module_' . self::CODE . '_endpoint' => '']);
	}

	public function uninstall(): void {
		if (!$this->user->hasPermission('modify', 'extension/module')) {
			return;
		}

		try {
			$result = $this->endpoint(['settings' => $this->storedSettings(), 'saveSettings' => null])->uninstall();

			foreach ($result['errors'] as $message) {
				$this->log->write('OpenCart Support Desk uninstall: ' . $message);
			}
		} catch (\Throwable $e) {
			$this->log->write('OpenCart Support Desk uninstall: ' . $e->getMessage());
		}

		$this->load->model('setting/event');
		$this->model_setting_event->deleteEventByCode(self::CODE);
	}

	/**
	 * The module's texts in the admin's language, and in English where that language has none:
	 * unlike 3.0, 4.0.0.0 to 4.1 do not fall back to en-gb, and would show keys like "heading_title".
	 */
	private function loadLanguage(): void {
		$this->load->language(self::ROUTE);

		// Loader::language($route, $prefix, $code) on every 4.x up to 4.1.0.4. The prefix keeps the
		// English texts from replacing the translated ones (OpenCart's own among them).
		$this->load->language(self::ROUTE, self::ENGLISH, 'en-gb');

		foreach ($this->language->all(self::ENGLISH) as $key => $text) {
			if ($this->language->get($key) === $key) {
				$this->language->set($key, $text);
			}
		}
	}

	public static function separator(): string {
		return version_compare(VERSION, '4.0.2.0', '>=') ? '.' : '|';
	}

	private function library(): void {
		require_once DIR_EXTENSION . 'oc_support_desk/system/library/oc_support_desk/autoload.php';
	}

	/**
	 * The module's settings. OpenCart deletes them when it uninstalls the module; the values it
	 * loaded into the config at the start of the request are still there, and uninstall needs the
	 * endpoint and key to tell the API.
	 */
	private function storedSettings(): array {
		$this->load->model('setting/setting');
		$settings = $this->model_setting_setting->getSetting('module_' . self::CODE);

		foreach (['endpoint', 'api_key'] as $name) {
			$key = 'module_' . self::CODE . '_' . $name;

			if (empty($settings[$key]) && $this->config->get($key)) {
				$settings[$key] = (string)$this->config->get($key);
			}
		}

		return $settings;
	}

	/**
	 * The setting that makes every admin login wait for a code sent by e-mail, when it is on:
	 * "config_security" (4.0.2.x, login security) or "config_user_2fa" (4.1, two-factor
	 * authentication). A temporary support user has no e-mail address and could not log in.
	 */
	private function loginSecurity(): string {
		foreach (['config_security', 'config_user_2fa'] as $key) {
			if ($this->config->get($key)) {
				return $key;
			}
		}

		return '';
	}

	/** @param array $overrides Endpoint dependencies that replace the defaults below */
	private function endpoint(array $overrides = []): \OcSupportDesk\Endpoint {
		$this->library();
		$this->load->model('setting/setting');

		$model = $this->model_setting_setting;
		$log = $this->log;

		return new \OcSupportDesk\Endpoint($overrides + [
			'line' => '4.x',
			'loginSecurity' => $this->loginSecurity(),
			'version' => VERSION,
			'db' => $this->db,
			'prefix' => DB_PREFIX,
			'settings' => $model->getSetting('module_' . self::CODE),
			'saveSettings' => function (array $settings) use ($model): void {
				$model->editSetting('module_' . self::CODE, $settings);
			},
			'canModify' => $this->user->hasPermission('modify', self::ROUTE),
			'cache' => $this->cache,
			'adminUrl' => HTTP_SERVER,
			'timezone' => date_default_timezone_get(),
			'operations' => \OcSupportDesk\Operations::all(),
			'log' => function (string $message) use ($log): void {
				$log->write($message);
			},
			'detector' => [
				'paths' => ['application' => DIR_APPLICATION, 'system' => DIR_SYSTEM, 'extension' => DIR_EXTENSION, 'logs' => DIR_LOGS],
				'settings' => [
					'config_url' => $this->config->get('config_url'),
					'config_error_filename' => $this->config->get('config_error_filename'),
				],
				'server' => $this->request->server,
				'query' => $this->request->get,
				'storeUrl' => HTTP_CATALOG,
				'adminLanguage' => $this->config->get('config_language_admin'),
			],
		]);
	}

	private function json(int $status, array $body): void {
		$this->response->addHeader('Content-Type: application/json; charset=utf-8');
		$this->response->addHeader('Cache-Control: no-store');
		http_response_code($status);
		$this->response->setOutput(json_encode($body));
	}
}
