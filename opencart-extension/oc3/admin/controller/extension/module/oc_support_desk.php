<?php
// OpenCart Support Desk for OpenCart 3.0.x (3.0.2.0 and later). The thin, OpenCart-specific layer:
// renders the shell page, serves the module's JSON endpoint and installs the admin-visit event.
// Everything else lives in system/library/oc_support_desk/ (shared with the 4.x package).
class ControllerExtensionModuleOcSupportDesk extends Controller {
	const CODE = 'oc_support_desk';
	const ROUTE = 'extension/module/oc_support_desk';

	public function index() {
		$this->load->language(self::ROUTE);

		$this->document->setTitle($this->language->get('heading_title'));
		$this->document->addScript('view/javascript/oc_support_desk/support-desk.js');

		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = array(
			array('text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token, true)),
			array('text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', $token . '&type=module', true)),
			array('text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token, true)),
		);

		// Url::link() returns &amp;-encoded links; the template escapes once more for the attribute.
		$data['endpoint'] = html_entity_decode($this->url->link(self::ROUTE . '/api', $token, true), ENT_QUOTES, 'UTF-8');
		$data['back'] = $this->url->link('marketplace/extension', $token . '&type=module', true);
		$data['timezone'] = date_default_timezone_get();
		$data['line'] = '3.0';

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/** The JSON endpoint: index.php?route=extension/module/oc_support_desk/api&user_token=…&action=… */
	public function api() {
		$this->load->language(self::ROUTE);

		$token = isset($this->request->get['user_token']) ? (string)$this->request->get['user_token'] : '';

		if (!isset($this->session->data['user_token']) || !hash_equals((string)$this->session->data['user_token'], $token) || !$this->user->isLogged()) {
			$this->json(401, array('ok' => false, 'error' => array('code' => 'TOKEN', 'message' => $this->language->get('error_token'))));

			return;
		}

		if (!$this->user->hasPermission('access', self::ROUTE)) {
			$this->json(403, array('ok' => false, 'error' => array('code' => 'PERMISSION', 'message' => $this->language->get('error_permission'))));

			return;
		}

		if ($this->request->server['REQUEST_METHOD'] !== 'POST') {
			$this->json(405, array('ok' => false, 'error' => array('code' => 'METHOD', 'message' => 'POST only.')));

			return;
		}

		$input = json_decode((string)file_get_contents('php://input'), true);
		$action = isset($this->request->get['action']) ? (string)$this->request->get['action'] : '';

		try {
			$result = $this->endpoint()->handle($action, is_array($input) ? $input : array());
		} catch (\Throwable $e) {
			// Answered as JSON all the same: OpenCart's HTML error page would read as an expired session.
			$this->log->write('OpenCart Support Desk (' . $action . '): ' . get_class($e) . ': ' . $e->getMessage() . ' in ' . $e->getFile() . ':' . $e->getLine());
			$result = array('status' => 500, 'body' => array('ok' => false, 'error' => array('code' => 'INTERNAL', 'message' => $this->language->get('error_internal'))));
		}

		$this->json($result['status'], $result['body']);
	}

	/**
	 * Event admin/controller/common/header/before: disables temporary users of resolved tickets and
	 * those older than 30 days. Runs whether the module is enabled or not: a temporary admin user
	 * must not outlive its ticket because the module was switched off.
	 */
	public function onAdminVisit(&$route = '', &$args = array()) {
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
		$this->event->register('view/common/column_left/before', new Action(self::ROUTE . '/onMenu'));
	}

	/**
	 * Event view/common/column_left/before: the module's entry in the admin menu, right after the
	 * dashboard, with the count of unread support notifications. The count never holds up or breaks
	 * the page: it is kept in OpenCart's cache a while, and an API that is down just means no count.
	 */
	public function onMenu(&$route = '', &$data = array()) {
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

		$href = $this->url->link(self::ROUTE, 'user_token=' . $this->session->data['user_token'], true);
		\OcSupportDesk\MenuEntry::insert($data['menus'], \OcSupportDesk\MenuEntry::build('3.0', $count, $href));
	}

	public function install() {
		if (!$this->user->hasPermission('modify', 'extension/extension/module')) {
			return;
		}

		$this->library();
		$access = new \OcSupportDesk\AccessManager($this->db, DB_PREFIX, VERSION);
		$access->install();

		$this->load->model('setting/event');
		$this->model_setting_event->deleteEventByCode(self::CODE);
		$this->model_setting_event->addEvent(self::CODE, 'admin/controller/common/header/before', self::ROUTE . '/onAdminVisit', 1, 0);

		$this->load->model('setting/setting');
		$this->model_setting_setting->editSetting('module_' . self::CODE, array('module_' . self::CODE . '_status' => '0', 'module_' . self::CODE . '_endpoint' => ''));
	}

	public function uninstall() {
		if (!$this->user->hasPermission('modify', 'extension/extension/module')) {
			return;
		}

		try {
			$result = $this->endpoint(array('settings' => $this->storedSettings(), 'saveSettings' => null))->uninstall();

			foreach ($result['errors'] as $message) {
				$this->log->write('OpenCart Support Desk uninstall: ' . $message);
			}
		} catch (\Throwable $e) {
			$this->log->write('OpenCart Support Desk uninstall: ' . $e->getMessage());
		}

		$this->load->model('setting/event');
		$this->model_setting_event->deleteEventByCode(self::CODE);
	}

	private function library() {
		require_once DIR_SYSTEM . 'library/oc_support_desk/autoload.php';
	}

	/**
	 * The module's settings. OpenCart deletes them before it calls uninstall(); the values it loaded
	 * into the config at the start of the request are still there, and uninstall needs the endpoint
	 * and key to tell the API.
	 */
	private function storedSettings() {
		$this->load->model('setting/setting');
		$settings = $this->model_setting_setting->getSetting('module_' . self::CODE);

		foreach (array('endpoint', 'api_key') as $name) {
			$key = 'module_' . self::CODE . '_' . $name;

			if (empty($settings[$key]) && $this->config->get($key)) {
				$settings[$key] = (string)$this->config->get($key);
			}
		}

		return $settings;
	}

	/** @param array $overrides Endpoint dependencies that replace the defaults below */
	private function endpoint(array $overrides = array()) {
		$this->library();
		$this->load->model('setting/setting');

		$model = $this->model_setting_setting;
		$log = $this->log;

		return new \OcSupportDesk\Endpoint($overrides + array(
			'line' => '3.0',
			'version' => VERSION,
			'db' => $this->db,
			'prefix' => DB_PREFIX,
			'settings' => $model->getSetting('module_' . self::CODE),
			'saveSettings' => function ($settings) use ($model) {
				$model->editSetting('module_' . self::CODE, $settings);
			},
			'canModify' => $this->user->hasPermission('modify', self::ROUTE),
			'cache' => $this->cache,
			'adminUrl' => defined('HTTPS_SERVER') ? HTTPS_SERVER : HTTP_SERVER,
			'timezone' => date_default_timezone_get(),
			'operations' => \OcSupportDesk\Operations::all(),
			'log' => function ($message) use ($log) {
				$log->write($message);
			},
			'detector' => array(
				'paths' => array('application' => DIR_APPLICATION, 'system' => DIR_SYSTEM, 'logs' => DIR_LOGS),
				'settings' => array(
					'config_url' => $this->config->get('config_url'),
					'config_error_filename' => $this->config->get('config_error_filename'),
				),
				'server' => $this->request->server,
				'query' => $this->request->get,
				'storeUrl' => defined('HTTPS_CATALOG') ? HTTPS_CATALOG : (defined('HTTP_CATALOG') ? HTTP_CATALOG : null),
				'adminLanguage' => $this->config->get('config_admin_language'),
			),
		));
	}

	private function json($status, array $body) {
		$this->response->addHeader('Content-Type: application/json; charset=utf-8');
		$this->response->addHeader('Cache-Control: no-store');

		http_response_code((int)$status);
		$this->response->setOutput(json_encode($body));
	}
}
