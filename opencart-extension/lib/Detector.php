<?php
// OpenCart Support Desk: shared library (PHP 7.3+, shipped to OpenCart 3.0 and 4.x).
// Detects the store's environment, as sent with every ticket (OpenCartEnvironmentInput).
namespace OcSupportDesk;

class Detector {
	/** Port signals, checked in this order; the first match wins (see opencart-extension/README.md). */
	const PLATFORMS = array('MIJOSHOP', 'ACESHOP', 'JOOCART', 'JCART', 'JOOMLA_OTHER', 'ARASTTA', 'OCSTORE', 'NATIVE', 'OTHER');

	/** How many lines of the error log are offered, at most. */
	const LOG_LINES = 40;

	private $version;
	private $db;
	private $prefix;
	private $options;

	/**
	 * @param string $version  OpenCart's VERSION constant
	 * @param object $db       OpenCart's DB handle (query(), escape())
	 * @param string $prefix   DB_PREFIX
	 * @param array  $options  paths (application, system, extension, logs), settings (store 0:
	 *                         config_url, config_error_filename, admin language), server ($_SERVER),
	 *                         query ($_GET), storeUrl, adminLanguage
	 */
	public function __construct($version, $db, $prefix, array $options = array()) {
		$this->version = (string)$version;
		$this->db = $db;
		$this->prefix = (string)$prefix;
		$this->options = $options + array(
			'paths' => array(),
			'settings' => array(),
			'server' => array(),
			'query' => array(),
			'storeUrl' => null,
			'adminLanguage' => null,
		);
	}

	/**
	 * The environment exactly as it is sent with a ticket.
	 *
	 * @param bool $includeErrorLog opt-in: the last lines of the error log, secrets redacted
	 */
	public function detect($includeErrorLog = false) {
		$platform = $this->platform();
		$line = $platform['line'];

		return $this->fit(array(
			'opencartVersion' => $platform['opencartVersion'],
			'platform' => $platform['platform'],
			'platformVersion' => $platform['platformVersion'],
			'phpVersion' => PHP_VERSION,
			'phpExtensions' => $this->phpExtensions(),
			'webServer' => $this->webServer(),
			'databaseServer' => $this->databaseServer(),
			'storeUrl' => $this->storeUrl(),
			'adminLanguage' => $this->adminLanguage(),
			'extensions' => $this->extensions($line),
			'errorLogExcerpt' => $includeErrorLog ? $this->errorLogExcerpt() : null,
		));
	}

	/** Keeps every field within what the API accepts (OpenCartEnvironmentInput's limits). */
	private function fit(array $env) {
		$limits = array('opencartVersion' => 32, 'platformVersion' => 64, 'phpVersion' => 32, 'webServer' => 200, 'databaseServer' => 200, 'storeUrl' => 2048, 'adminLanguage' => 32);

		foreach ($limits as $key => $limit) {
			$env[$key] = $env[$key] === null ? null : self::clip($env[$key], $limit);
		}

		$env['phpExtensions'] = array_slice($env['phpExtensions'], 0, 300);
		$extensions = array();

		foreach (array_slice($env['extensions'], 0, 1000) as $item) {
			$item['code'] = self::clip($item['code'] !== '' ? $item['code'] : '?', 128);
			$item['name'] = self::clip($item['name'] !== '' ? $item['name'] : $item['code'], 255);

			foreach (array('version' => 64, 'author' => 255, 'evidence' => 500) as $key => $limit) {
				$item[$key] = $item[$key] === null ? null : self::clip($item[$key], $limit);
			}

			$extensions[] = $item;
		}

		$env['extensions'] = $extensions;

		if ($env['errorLogExcerpt'] !== null && strlen($env['errorLogExcerpt']) > 19000) {
			// Keep the newest lines.
			$env['errorLogExcerpt'] = substr($env['errorLogExcerpt'], -19000);
			$env['errorLogExcerpt'] = (string)preg_replace('/^[^\n]*\n/', '', $env['errorLogExcerpt']);
		}

		if ($env['errorLogExcerpt'] !== null) {
			$env['errorLogExcerpt'] = self::validUtf8($env['errorLogExcerpt']);
		}

		return $env;
	}

	/** The first $length characters of a UTF-8 string (no mbstring needed). */
	public static function clip($text, $length) {
		$text = self::validUtf8((string)$text);

		return preg_match('/^.{0,' . (int)$length . '}/us', $text, $m) ? $m[0] : substr($text, 0, $length);
	}

	/** Replaces bytes that are not UTF-8 (log files can hold anything) so that json_encode() works. */
	public static function validUtf8($text) {
		if (preg_match('//u', $text)) {
			return $text;
		}

		return (string)preg_replace('/[^\x09\x0A\x0D\x20-\x7E]/', '?', $text);
	}

	/**
	 * Which platform runs the module, and the versions that go with it.
	 *
	 * @return array platform, platformVersion, opencartVersion, line (OpenCart line or null), evidence
	 */
	public function platform() {
		$version = $this->version;
		$query = $this->options['query'];
		$option = isset($query['option']) ? (string)$query['option'] : '';

		if (defined('JPATH_MIJOSHOP_OC') || defined('JPATH_MIJOSHOP_ADMIN') || class_exists('MijoShop', false)) {
			return $this->result('MIJOSHOP', $this->joomlaComponentVersion('mijoshop'), $version, 'MijoShop constants or class');
		}

		if (defined('JPATH_ACESHOP_ADMIN') || defined('JPATH_ACESHOP_OC') || class_exists('AceShop', false)) {
			return $this->result('ACESHOP', $this->joomlaComponentVersion('aceshop'), $version, 'AceShop constants or class');
		}

		if (defined('JOOCART_SITE_URL') || $option === 'com_opencart') {
			return $this->result('JOOCART', $this->joomlaComponentVersion('opencart'), $version, 'JooCart constant or option=com_opencart');
		}

		if (defined('JCART_SITE_URL') || $option === 'com_jcart') {
			return $this->result('JCART', $this->joomlaComponentVersion('jcart'), $version, 'JCart constant or option=com_jcart');
		}

		if (defined('_JEXEC')) {
			$joomla = defined('JVERSION') ? (string)constant('JVERSION') : null;

			return $this->result('JOOMLA_OTHER', $joomla, $version, 'Joomla (_JEXEC) without a known OpenCart port');
		}

		// Arastta's VERSION is its own 3-part number: rule it out before reading VERSION as OpenCart's.
		if (defined('AREXE')) {
			return $this->result('ARASTTA', $version, $version, 'AREXE constant', null);
		}

		$parts = $version === '' ? array() : explode('.', $version);

		if (count($parts) === 5 && $this->numericParts($parts)) {
			return $this->result('OCSTORE', $version, $version, 'five-part VERSION', self::lineOf(implode('.', array_slice($parts, 0, 4))));
		}

		if (defined('OPENCARTFORUM_SERVER')) {
			return $this->result('OCSTORE', $version, $version, 'OPENCARTFORUM_SERVER constant');
		}

		if (count($parts) === 4 && $this->numericParts($parts)) {
			return $this->result('NATIVE', null, $version, 'four-part VERSION, no port signal');
		}

		return $this->result('OTHER', null, $version, 'VERSION "' . $version . '" is not an OpenCart version', null);
	}

	/** The OpenCart line a version belongs to: "1.5", "2.x", "3.0", "4.x" or null. */
	public static function lineOf($version) {
		if ($version === null || !preg_match('/^(\d+)\.(\d+)/', (string)$version, $m)) {
			return null;
		}

		if ($m[1] === '1') {
			return '1.5';
		}

		if ($m[1] === '2') {
			return '2.x';
		}

		if ($m[1] === '3') {
			return '3.0';
		}

		if ($m[1] === '4') {
			return '4.x';
		}

		return null;
	}

	/**
	 * @param string|null $opencartVersion VERSION as read (the API parses it; for Arastta it is Arastta's own)
	 * @param string|false|null $line the OpenCart line, false: derive it from VERSION
	 */
	private function result($platform, $platformVersion, $opencartVersion, $evidence, $line = false) {
		$opencartVersion = $opencartVersion === null || $opencartVersion === '' ? null : (string)$opencartVersion;

		return array(
			'platform' => $platform,
			'platformVersion' => $platformVersion === null || $platformVersion === '' ? null : (string)$platformVersion,
			'opencartVersion' => $opencartVersion,
			'line' => $line === false ? self::lineOf($opencartVersion) : $line,
			'evidence' => $evidence,
		);
	}

	private function numericParts(array $parts) {
		foreach ($parts as $part) {
			if (!ctype_digit($part)) {
				return false;
			}
		}

		return true;
	}


	/** A Joomla port's own version, from its component manifest (administrator/components/com_x/x.xml). */
	private function joomlaComponentVersion($component) {
		$roots = array();

		if (defined('JPATH_ADMINISTRATOR')) {
			$roots[] = rtrim((string)constant('JPATH_ADMINISTRATOR'), '/\\');
		}

		if (isset($this->options['paths']['joomlaAdministrator'])) {
			$roots[] = rtrim($this->options['paths']['joomlaAdministrator'], '/\\');
		}

		foreach ($roots as $root) {
			$file = $root . '/components/com_' . $component . '/' . $component . '.xml';

			if (is_file($file)) {
				$xml = (string)file_get_contents($file, false, null, 0, 65536);

				if (preg_match('#<version>\s*([^<\s]+)\s*</version>#i', $xml, $m)) {
					return $m[1];
				}
			}
		}

		return null;
	}

	private function phpExtensions() {
		$extensions = array_map('strtolower', get_loaded_extensions());
		sort($extensions);

		return array_values(array_unique($extensions));
	}

	private function webServer() {
		$server = $this->options['server'];

		if (!empty($server['SERVER_SOFTWARE'])) {
			return substr((string)$server['SERVER_SOFTWARE'], 0, 200);
		}

		return PHP_SAPI === 'cli-server' ? 'PHP built-in server' : null;
	}

	private function databaseServer() {
		try {
			$query = $this->db->query("SELECT VERSION() AS `version`");
		} catch (\Exception $e) {
			return null;
		}

		if (!$query || empty($query->row['version'])) {
			return null;
		}

		$version = (string)$query->row['version'];

		if (stripos($version, 'mariadb') !== false) {
			return 'MariaDB ' . preg_replace('/-.*$/', '', $version);
		}

		return 'MySQL ' . $version;
	}

	private function storeUrl() {
		if (!empty($this->options['storeUrl'])) {
			return (string)$this->options['storeUrl'];
		}

		$settings = $this->options['settings'];

		return !empty($settings['config_url']) ? (string)$settings['config_url'] : null;
	}

	private function adminLanguage() {
		if (!empty($this->options['adminLanguage'])) {
			return (string)$this->options['adminLanguage'];
		}

		$settings = $this->options['settings'];

		foreach (array('config_language_admin', 'config_admin_language') as $key) {
			if (!empty($settings[$key])) {
				return (string)$settings[$key];
			}
		}

		return null;
	}

	// ---------------------------------------------------------------- installed extensions

	/** Installed extensions and modifications, with versions, authors and signs of a wrong line. */
	public function extensions($line) {
		$items = array();

		if ($line === '4.x') {
			$items = $this->extensions4();
		} elseif ($line !== null) {
			$items = $this->extensions3($line);
		}

		if ($this->tableExists('modification')) {
			foreach ($this->rows('modification') as $row) {
				$items[] = $this->modification($row, $line);
			}
		}

		return $items;
	}

	/** OpenCart 2.x and 3.0: oc_extension(type, code), files under admin/controller/extension/. */
	private function extensions3($line) {
		$items = array();
		$settingCodes = $this->settingCodes();
		$admin = $this->path('application');

		foreach ($this->rows('extension') as $row) {
			$type = (string)$row['type'];
			$code = (string)$row['code'];
			$evidence = array();
			$target = null;

			if ($admin !== null) {
				$file = $admin . 'controller/extension/' . $type . '/' . $code . '.php';

				if (is_file($file)) {
					$source = (string)file_get_contents($file, false, null, 0, 65536);

					if (preg_match('/namespace\s+Opencart\\\\Admin\\\\Controller/', $source)) {
						$target = '4.x';
						$evidence[] = 'namespaced 4.x controller in admin/controller/extension/' . $type . '/';
					}
				} elseif ($line === '3.0' && is_file($admin . 'controller/' . $type . '/' . $code . '.php')) {
					$target = '2.x';
					$evidence[] = '2.x-style controller admin/controller/' . $type . '/' . $code . '.php';
				}

				if ($line === '3.0' && is_file($admin . 'view/template/extension/' . $type . '/' . $code . '.tpl')) {
					$target = '2.x';
					$evidence[] = '.tpl template admin/view/template/extension/' . $type . '/' . $code . '.tpl';
				}
			}

			// 3.0 stores an extension's settings under "<type>_<code>"; 2.x used "<code>".
			if ($line === '3.0' && isset($settingCodes[$code]) && !isset($settingCodes[$type . '_' . $code])) {
				$target = $target === null ? '2.x' : $target;
				$evidence[] = 'settings stored as "' . $code . '_*" without the "' . $type . '_" prefix';
			}

			$items[] = array(
				'kind' => 'EXTENSION',
				'code' => $type . '/' . $code,
				'name' => $code,
				'version' => null,
				'author' => null,
				'targetLine' => $target,
				'evidence' => $evidence ? implode('; ', $evidence) : null,
			);
		}

		return $items;
	}

	/** OpenCart 4.x: oc_extension(extension, type, code) and oc_extension_install(version, author). */
	private function extensions4() {
		$installs = array();

		if ($this->tableExists('extension_install')) {
			foreach ($this->rows('extension_install') as $row) {
				$installs[(string)$row['code']] = $row;
			}
		}

		$root = $this->path('extension');
		$items = array();

		foreach ($this->rows('extension') as $row) {
			$folder = (string)$row['extension'];
			$type = (string)$row['type'];
			$code = (string)$row['code'];
			$install = isset($installs[$folder]) ? $installs[$folder] : null;
			$evidence = array();
			$target = null;

			if ($install === null && $folder !== 'opencart') {
				$evidence[] = 'no oc_extension_install row for extension folder "' . $folder . '" (copied by hand?)';
			}

			if ($root !== null) {
				$file = $root . $folder . '/admin/controller/' . $type . '/' . $code . '.php';

				if (is_file($file)) {
					$source = (string)file_get_contents($file, false, null, 0, 65536);

					if (!preg_match('/^\s*namespace\s+Opencart\\\\Admin\\\\Controller\\\\Extension\\\\/m', $source)) {
						$target = preg_match('/class\s+ControllerExtension/i', $source) ? '3.0' : null;
						$evidence[] = 'controller ' . $folder . '/admin/controller/' . $type . '/' . $code . '.php is not namespaced';
					}
				}
			}

			$items[] = array(
				'kind' => 'EXTENSION',
				'code' => $folder . '/' . $type . '/' . $code,
				'name' => $install !== null && $install['name'] !== '' ? (string)$install['name'] : $code,
				'version' => $install !== null && $install['version'] !== '' ? (string)$install['version'] : null,
				'author' => $install !== null && $install['author'] !== '' ? (string)$install['author'] : null,
				'targetLine' => $target,
				'evidence' => $evidence ? implode('; ', $evidence) : null,
			);
		}

		// 3.0-style module files left in the admin folder do nothing on 4.x, but tell a story.
		$admin = $this->path('application');

		if ($admin !== null && is_dir($admin . 'controller/extension/module/')) {
			foreach ((array)glob($admin . 'controller/extension/module/*.php') as $file) {
				$code = basename($file, '.php');

				$items[] = array(
					'kind' => 'EXTENSION',
					'code' => 'module/' . $code,
					'name' => $code,
					'version' => null,
					'author' => null,
					'targetLine' => '3.0',
					'evidence' => '3.0 layout file admin/controller/extension/module/' . $code . '.php (not loaded by 4.x)',
				);
			}
		}

		return $items;
	}

	private function modification(array $row, $line) {
		$xml = isset($row['xml']) ? (string)$row['xml'] : '';
		$target = null;
		$evidence = array();

		if (preg_match('/<file\s[^>]*path="[^"]*\.tpl[",|]/i', $xml)) {
			$target = '2.x';
			$evidence[] = 'edits .tpl templates';
		} elseif (preg_match('/<file\s[^>]*path="[^"]*\.twig[",|]/i', $xml)) {
			$target = $line === '4.x' ? '4.x' : '3.0';
		}

		if (preg_match('/<file\s[^>]*path="[^"]*(admin|catalog)\/controller\/extension\/(module|payment|shipping|total)\//i', $xml) && $line === '4.x') {
			$target = '3.0';
			$evidence[] = 'edits 3.0 paths under controller/extension/';
		}

		if ($target !== null && $line !== null && $target !== $line && !$evidence) {
			$evidence[] = 'templates of another line';
		}

		if (isset($row['status']) && (string)$row['status'] === '0') {
			$evidence[] = 'disabled';
		}

		return array(
			'kind' => 'MODIFICATION',
			'code' => (string)$row['code'],
			'name' => isset($row['name']) ? (string)$row['name'] : (string)$row['code'],
			'version' => isset($row['version']) && $row['version'] !== '' ? (string)$row['version'] : null,
			'author' => isset($row['author']) && $row['author'] !== '' ? (string)$row['author'] : null,
			'targetLine' => $target,
			'evidence' => $evidence ? implode('; ', $evidence) : null,
		);
	}

	/** The setting groups ("code" column) present for store 0, as a set. */
	private function settingCodes() {
		$codes = array();

		foreach ($this->rows('setting', "`store_id` = '0'", '`code`') as $row) {
			$codes[(string)$row['code']] = true;
		}

		return $codes;
	}

	private function tableExists($table) {
		try {
			$query = $this->db->query("SHOW TABLES LIKE '" . $this->db->escape($this->prefix . $table) . "'");
		} catch (\Exception $e) {
			return false;
		}

		return $query && $query->num_rows > 0;
	}

	private function rows($table, $where = '', $columns = '*') {
		if (!$this->tableExists($table)) {
			return array();
		}

		try {
			$query = $this->db->query("SELECT " . $columns . " FROM `" . $this->prefix . $table . "`" . ($where !== '' ? " WHERE " . $where : ''));
		} catch (\Exception $e) {
			return array();
		}

		return $query ? $query->rows : array();
	}

	private function path($name) {
		$paths = $this->options['paths'];

		if (empty($paths[$name])) {
			return null;
		}

		return rtrim((string)$paths[$name], '/\\') . '/';
	}

	// ---------------------------------------------------------------- error log

	/** The last lines of the store's error log, secrets redacted; null when there is none. */
	public function errorLogExcerpt() {
		$logs = $this->path('logs');
		$settings = $this->options['settings'];
		$name = !empty($settings['config_error_filename']) ? basename((string)$settings['config_error_filename']) : 'error.log';

		if ($logs === null || !is_file($logs . $name) || !is_readable($logs . $name)) {
			return null;
		}

		$lines = self::tail($logs . $name, self::LOG_LINES);

		if (!$lines) {
			return null;
		}

		$redactor = new Redactor();

		return $redactor->redact(implode("\n", $lines));
	}

	/** The last $count non-empty lines of a file, reading at most the last 64 KiB. */
	public static function tail($file, $count) {
		$size = filesize($file);
		$handle = fopen($file, 'rb');

		if (!$handle) {
			return array();
		}

		$read = min($size, 65536);
		fseek($handle, $size - $read);
		$chunk = $read > 0 ? (string)fread($handle, $read) : '';
		fclose($handle);

		$lines = preg_split('/\r\n|\r|\n/', $chunk);

		if ($read < $size) {
			array_shift($lines); // a partial first line
		}

		$lines = array_values(array_filter($lines, function ($line) {
			return trim($line) !== '';
		}));

		return array_slice($lines, -$count);
	}
}
