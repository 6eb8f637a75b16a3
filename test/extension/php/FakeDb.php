<?php
// A stand-in for OpenCart's DB handle (query(), escape(), getLastId(), countAffected()) that
// answers the small SQL subset the module's library uses from in-memory arrays:
//   SHOW TABLES LIKE 'x'; SHOW COLUMNS FROM `t`; SELECT VERSION() AS `version`;
//   SELECT cols FROM `t` [WHERE cond [AND cond]...];
//     cond: `c` = 'v' | `c` IS [NOT] NULL | (cond OR cond [OR cond]...)
//   INSERT INTO `t` SET `c` = 'v', ...; UPDATE `t` SET ... [WHERE ...]; DELETE FROM `t` [WHERE ...]
//   CREATE TABLE [IF NOT EXISTS] `t` (...); DROP TABLE [IF EXISTS] `t`;
//   ALTER TABLE `t` ADD [COLUMN] `c` definition
// Anything else throws, so a query the fake does not understand fails the test loudly. Tables with a
// schema (given, or from CREATE TABLE) refuse unknown columns the way MySQL does through OpenCart's driver.
class FakeDb {
	/** @var array table => list of rows */
	public $tables;
	/** @var array table => list of column names; tables without an entry take any column */
	public $schemas;
	/** @var string[] every statement received */
	public $log = array();
	/** @var string|null a regex: statements it matches fail, as when the MySQL server goes away */
	public $failOn = null;
	public $serverVersion;
	private $lastId = 0;
	private $affected = 0;
	private $file;

	public function __construct(array $tables = array(), $serverVersion = '10.11.6-MariaDB-0+deb12u1', array $schemas = array()) {
		$this->tables = $tables;
		$this->serverVersion = $serverVersion;
		$this->schemas = $schemas;
	}

	/**
	 * The columns of OpenCart's `user` table on a version, from its install SQL (3.0) or
	 * system/helper/db_schema.php (4.x): 4.x has no `salt`, 4.1.0.1 and later no `code` either.
	 */
	public static function userColumns($version) {
		$columns = array('user_id', 'user_group_id', 'username', 'password', 'salt', 'firstname', 'lastname', 'email', 'image', 'code', 'ip', 'status', 'date_added');
		$drop = array();

		if (version_compare($version, '4.0.0.0', '>=')) {
			$drop[] = 'salt';
		}

		if (version_compare($version, '4.1.0.1', '>=')) {
			$drop[] = 'code';
		}

		return array_values(array_diff($columns, $drop));
	}

	/** A fake whose tables live in a JSON file, so that separate PHP requests share them. */
	public static function fromFile($file) {
		$tables = is_file($file) ? json_decode((string)file_get_contents($file), true) : array();
		$db = new FakeDb(is_array($tables) ? $tables : array());
		$db->file = $file;

		return $db;
	}

	public function save() {
		if ($this->file !== null) {
			// Write then rename: a reader outside the request lock (a test) never sees a half-written file.
			$temp = $this->file . '.' . getmypid() . '.tmp';
			file_put_contents($temp, json_encode($this->tables, JSON_PRETTY_PRINT));
			rename($temp, $this->file);
		}
	}

	public function escape($value) {
		return str_replace(array('\\', "'", "\0", "\n", "\r", "\x1a", '"'), array('\\\\', "\\'", '\\0', '\\n', '\\r', '\\Z', '\\"'), (string)$value);
	}

	public function getLastId() {
		return $this->lastId;
	}

	public function countAffected() {
		return $this->affected;
	}

	public function query($sql) {
		$this->log[] = $sql;
		$sql = trim($sql);

		if ($this->failOn !== null && preg_match($this->failOn, $sql)) {
			// What OpenCart's mysqli driver throws: a plain Exception with the SQL in its message.
			throw new \Exception('Error: MySQL server has gone away<br />Error No: 2006<br />' . $sql);
		}

		if (preg_match("/^SHOW TABLES LIKE '([^']*)'$/i", $sql, $m)) {
			return $this->result(isset($this->tables[$m[1]]) ? array(array('Tables' => $m[1])) : array());
		}

		if (preg_match('/^SHOW COLUMNS FROM `(\w+)`$/i', $sql, $m)) {
			$rows = array();

			foreach ($this->columns($m[1]) as $column) {
				// MySQL's rows have Type, Null, Key, Default and Extra too: the module reads Field only.
				$rows[] = array('Field' => $column);
			}

			return $this->result($rows);
		}

		if (preg_match('/^ALTER TABLE `(\w+)` ADD (?:COLUMN )?`(\w+)` [A-Za-z].*$/is', $sql, $m)) {
			$this->table($m[1]);

			// A table without a schema takes any column already.
			if (isset($this->schemas[$m[1]])) {
				if (in_array($m[2], $this->schemas[$m[1]], true)) {
					throw new \Exception("Error: Duplicate column name '" . $m[2] . "'<br />Error No: 1060<br />" . $sql);
				}

				$this->schemas[$m[1]][] = $m[2];

				foreach (array_keys($this->tables[$m[1]]) as $index) {
					$this->tables[$m[1]][$index][$m[2]] = null;
				}
			}

			return true;
		}

		if (preg_match('/^SELECT VERSION\(\) AS `?(\w+)`?$/i', $sql, $m)) {
			return $this->result(array(array($m[1] => $this->serverVersion)));
		}

		if (preg_match('/^CREATE TABLE (IF NOT EXISTS )?`(\w+)`/i', $sql, $m)) {
			if (!isset($this->tables[$m[2]])) {
				$this->tables[$m[2]] = array();

				// One column definition per line: "`name` TYPE ..."
				if (preg_match_all('/^\s*`(\w+)`\s+[A-Za-z]/m', $sql, $columns)) {
					$this->schemas[$m[2]] = $columns[1];
				}
			}

			return true;
		}

		if (preg_match('/^DROP TABLE (IF EXISTS )?`(\w+)`$/i', $sql, $m)) {
			unset($this->tables[$m[2]]);

			return true;
		}

		if (preg_match('/^SELECT (.+?) FROM `(\w+)`(?: WHERE (.+))?$/is', $sql, $m)) {
			$rows = $this->where($this->table($m[2]), isset($m[3]) ? $m[3] : '', $m[2], $sql);
			$columns = trim($m[1]);

			if ($columns !== '*') {
				$names = array_map(function ($c) {
					return trim($c, " `");
				}, explode(',', $columns));
				$this->checkColumns($m[2], $names, 'field list', $sql);
				$rows = array_map(function ($row) use ($names) {
					$picked = array();

					foreach ($names as $name) {
						$picked[$name] = array_key_exists($name, $row) ? $row[$name] : null;
					}

					return $picked;
				}, $rows);
			}

			return $this->result(array_values($rows));
		}

		if (preg_match('/^INSERT INTO `(\w+)` SET (.+)$/is', $sql, $m)) {
			$table = $m[1];
			$this->table($table);
			$row = $this->assignments($m[2]);
			$this->checkColumns($table, array_keys($row), 'field list', $sql);
			$key = $this->primaryKey($table);

			if ($key !== null && empty($row[$key])) {
				$max = 0;

				foreach ($this->tables[$table] as $existing) {
					$max = max($max, (int)$existing[$key]);
				}

				$row[$key] = (string)($max + 1);
			}

			$this->tables[$table][] = $row;
			$this->lastId = $key !== null ? (int)$row[$key] : 0;
			$this->affected = 1;

			return true;
		}

		if (preg_match('/^UPDATE `(\w+)` SET (.+?)(?: WHERE (.+))?$/is', $sql, $m)) {
			$set = $this->assignments($m[2]);
			$this->checkColumns($m[1], array_keys($set), 'field list', $sql);
			$matches = $this->where($this->table($m[1]), isset($m[3]) ? $m[3] : '', $m[1], $sql);
			$this->affected = 0;

			foreach (array_keys($matches) as $index) {
				$this->tables[$m[1]][$index] = array_merge($this->tables[$m[1]][$index], $set);
				$this->affected++;
			}

			return true;
		}

		if (preg_match('/^DELETE FROM `(\w+)`(?: WHERE (.+))?$/is', $sql, $m)) {
			$matches = $this->where($this->table($m[1]), isset($m[2]) ? $m[2] : '', $m[1], $sql);

			foreach (array_keys($matches) as $index) {
				unset($this->tables[$m[1]][$index]);
			}

			$this->tables[$m[1]] = array_values($this->tables[$m[1]]);
			$this->affected = count($matches);

			return true;
		}

		throw new \Exception('FakeDb does not understand: ' . $sql);
	}

	private function table($name) {
		if (!isset($this->tables[$name])) {
			throw new \Exception("Error: Table '" . $name . "' doesn't exist");
		}

		return $this->tables[$name];
	}

	/** The table's columns: its schema, or else those its rows have. */
	private function columns($table) {
		$rows = $this->table($table);

		if (isset($this->schemas[$table])) {
			return $this->schemas[$table];
		}

		$columns = array();

		foreach ($rows as $row) {
			$columns = array_merge($columns, array_diff(array_keys($row), $columns));
		}

		return $columns;
	}

	private function primaryKey($table) {
		$guesses = array(
			'user' => 'user_id',
			'user_group' => 'user_group_id',
			'oc_support_desk_access' => 'access_id',
			'setting' => 'setting_id',
		);

		foreach ($guesses as $suffix => $key) {
			if (substr($table, -strlen($suffix) - 1) === '_' . $suffix || $table === $suffix) {
				return $key;
			}
		}

		return null;
	}

	/** Throws what OpenCart's mysqli driver throws for MySQL error 1054. */
	private function checkColumns($table, array $columns, $clause, $sql) {
		if (!isset($this->schemas[$table])) {
			return;
		}

		foreach ($columns as $column) {
			if (!in_array($column, $this->schemas[$table], true)) {
				throw new \Exception("Error: Unknown column '" . $column . "' in '" . $clause . "'<br />Error No: 1054<br />" . $sql);
			}
		}
	}

	/** rows (keyed by their index) that match "cond AND cond ..." */
	private function where(array $rows, $where, $table = null, $sql = '') {
		$where = trim($where);

		if ($where === '') {
			return $rows;
		}

		$conditions = array();

		foreach ($this->split($where, 'AND') as $part) {
			$conditions[] = $this->condition($part);
		}

		if ($table !== null) {
			$this->checkColumns($table, self::conditionColumns($conditions), 'where clause', $sql);
		}

		return array_filter($rows, function ($row) use ($conditions) {
			foreach ($conditions as $condition) {
				if (!self::matches($row, $condition)) {
					return false;
				}
			}

			return true;
		});
	}

	/** array(op, column, value) for one condition; array('or', null, conditions) for a bracketed OR. */
	private function condition($part) {
		$part = trim($part);
		$blank = self::blankQuotes($part);

		if ($blank !== '' && $blank[0] === '(' && self::closingBracket($blank) === strlen($blank) - 1) {
			$options = array();

			foreach ($this->split(substr($part, 1, -1), 'OR') as $option) {
				$options[] = $this->condition($option);
			}

			return array('or', null, $options);
		}

		if (preg_match('/^`?(\w+)`? IS (NOT )?NULL$/i', $part, $m)) {
			return array(!empty($m[2]) ? 'notnull' : 'null', $m[1], null);
		}

		if (preg_match("/^`?(\w+)`?\s*=\s*'((?:[^'\\\\]|\\\\.)*)'$/s", $part, $m)) {
			return array('eq', $m[1], stripcslashes($m[2]));
		}

		throw new \Exception('FakeDb does not understand the condition: ' . $part);
	}

	/** $sql cut at the keyword $word where it stands outside quotes and brackets. */
	private function split($sql, $word) {
		$blank = self::blankQuotes($sql);
		$parts = array();
		$depth = 0;
		$start = 0;

		for ($i = 0; $i < strlen($blank); $i++) {
			if ($blank[$i] === '(') {
				$depth++;
			} elseif ($blank[$i] === ')') {
				$depth--;
			} elseif ($depth === 0 && preg_match('/\G\s+' . $word . '\s+/i', $blank, $m, 0, $i)) {
				$parts[] = substr($sql, $start, $i - $start);
				$start = $i + strlen($m[0]);
				$i = $start - 1;
			}
		}

		if ($depth !== 0) {
			throw new \Exception('FakeDb does not understand the brackets in: ' . $sql);
		}

		$parts[] = substr($sql, $start);

		return $parts;
	}

	/** $sql with the inside of every quoted value replaced, so that brackets and keywords in values do not count. */
	private static function blankQuotes($sql) {
		return preg_replace_callback("/'(?:[^'\\\\]|\\\\.)*'/s", function ($m) {
			return "'" . str_repeat('x', strlen($m[0]) - 2) . "'";
		}, $sql);
	}

	/** The position of the bracket that closes the one at position 0, or -1. */
	private static function closingBracket($blank) {
		$depth = 0;

		for ($i = 0; $i < strlen($blank); $i++) {
			if ($blank[$i] === '(') {
				$depth++;
			} elseif ($blank[$i] === ')' && --$depth === 0) {
				return $i;
			}
		}

		return -1;
	}

	private static function conditionColumns(array $conditions) {
		$columns = array();

		foreach ($conditions as $condition) {
			$columns = array_merge($columns, $condition[0] === 'or' ? self::conditionColumns($condition[2]) : array($condition[1]));
		}

		return $columns;
	}

	private static function matches(array $row, array $condition) {
		list($op, $column, $value) = $condition;

		if ($op === 'or') {
			foreach ($value as $option) {
				if (self::matches($row, $option)) {
					return true;
				}
			}

			return false;
		}

		$actual = array_key_exists($column, $row) ? $row[$column] : null;

		if ($op === 'null') {
			return $actual === null;
		}

		if ($op === 'notnull') {
			return $actual !== null;
		}

		return (string)$actual === $value;
	}

	/** "`a` = 'x', `b` = NOW(), `c` = NULL" => array */
	private function assignments($sql) {
		$row = array();

		if (!preg_match_all("/`(\w+)`\s*=\s*('((?:[^'\\\\]|\\\\.)*)'|NOW\(\)|NULL|-?\d+)\s*(,|$)/s", trim($sql), $all, PREG_SET_ORDER)) {
			throw new \Exception('FakeDb does not understand the assignments: ' . $sql);
		}

		foreach ($all as $m) {
			if ($m[2] === 'NOW()') {
				$row[$m[1]] = date('Y-m-d H:i:s');
			} elseif (strtoupper($m[2]) === 'NULL') {
				$row[$m[1]] = null;
			} elseif ($m[2][0] === "'") {
				$row[$m[1]] = stripcslashes($m[3]);
			} else {
				$row[$m[1]] = $m[2];
			}
		}

		return $row;
	}

	private function result(array $rows) {
		$result = new \stdClass();
		$result->rows = $rows;
		$result->row = isset($rows[0]) ? $rows[0] : array();
		$result->num_rows = count($rows);

		return $result;
	}
}
