<?php
// Syntax check (TOKEN_PARSE) and PHP 7.3 compatibility scan of the given files, printed as JSON:
// the code shipped to OpenCart 3.0 must run on PHP 7.3, which this PHP cannot execute, so the
// scan looks for syntax and functions that PHP 7.3 does not have.
//   php compat73.php <file>...
$since = array(
	'T_FN' => 'arrow function (PHP 7.4)',
	'T_COALESCE_EQUAL' => '??= (PHP 7.4)',
	'T_MATCH' => 'match (PHP 8.0)',
	'T_NULLSAFE_OBJECT_OPERATOR' => 'nullsafe operator ?-> (PHP 8.0)',
	'T_ATTRIBUTE' => 'attribute #[...] (PHP 8.0)',
	'T_ENUM' => 'enum (PHP 8.1)',
	'T_READONLY' => 'readonly (PHP 8.1)',
);
$functions = array('str_contains', 'str_starts_with', 'str_ends_with', 'get_debug_type', 'get_resource_id', 'fdiv', 'preg_last_error_msg', 'array_is_list', 'mb_str_split', 'array_key_first', 'array_key_last');
$php74functions = array('mb_str_split' => '7.4');
$result = array();

foreach (array_slice($argv, 1) as $file) {
	$problems = array();
	$code = (string)file_get_contents($file);

	try {
		$tokens = token_get_all($code, TOKEN_PARSE);
	} catch (\ParseError $e) {
		$result[$file] = array('syntax error: ' . $e->getMessage() . ' on line ' . $e->getLine());
		continue;
	}

	// Significant tokens only, as array(type name or char, text, line).
	$t = array();

	foreach ($tokens as $token) {
		if (is_array($token)) {
			if (in_array($token[0], array(T_WHITESPACE, T_COMMENT, T_DOC_COMMENT), true)) {
				continue;
			}

			$t[] = array(token_name($token[0]), $token[1], $token[2]);
		} else {
			$t[] = array($token, $token, isset($t[count($t) - 1]) ? $t[count($t) - 1][2] : 0);
		}
	}

	$n = count($t);
	$add = function ($i, $what) use (&$problems, $t) {
		$problems[] = 'line ' . $t[$i][2] . ': ' . $what;
	};
	$isType = function ($i) use ($t) {
		return in_array($t[$i][0], array('T_STRING', 'T_ARRAY', 'T_CALLABLE', 'T_NAME_QUALIFIED', 'T_NAME_FULLY_QUALIFIED', 'T_STATIC', '?'), true);
	};

	for ($i = 0; $i < $n; $i++) {
		list($type, $text) = $t[$i];
		$prev = $i > 0 ? $t[$i - 1][0] : null;
		$next = $i + 1 < $n ? $t[$i + 1][0] : null;

		if (isset($since[$type])) {
			$add($i, $since[$type]);
		}

		if (($type === 'T_LNUMBER' || $type === 'T_DNUMBER') && strpos($text, '_') !== false) {
			$add($i, 'numeric literal separator (PHP 7.4)');
		}

		if ($type === 'T_STRING' && $next === '(' && in_array(strtolower($text), $functions, true) && !in_array($prev, array('T_OBJECT_OPERATOR', 'T_DOUBLE_COLON', 'T_FUNCTION'), true)) {
			$add($i, $text . '() (not in PHP 7.3)');
		}

		// Named arguments: "name:" right after "(" or "," (not "::", not a ternary or a case label).
		if ($type === 'T_STRING' && $next === ':' && in_array($prev, array('(', ','), true)) {
			$add($i, 'named argument ' . $text . ': (PHP 8.0)');
		}

		// $object::class
		if ($type === 'T_VARIABLE' && $next === 'T_DOUBLE_COLON' && isset($t[$i + 2]) && $t[$i + 2][0] === 'T_CLASS') {
			$add($i, '$object::class (PHP 8.0)');
		}

		// catch (Exception) without a variable
		if ($type === 'T_CATCH') {
			for ($j = $i + 2; $j < $n && $t[$j][0] !== ')'; $j++) {
			}

			if ($t[$j - 1][0] !== 'T_VARIABLE') {
				$add($i, 'catch without a variable (PHP 8.0)');
			}
		}

		// Typed property: visibility [static] type $name
		if (in_array($type, array('T_PUBLIC', 'T_PRIVATE', 'T_PROTECTED', 'T_VAR'), true)) {
			$j = $i + 1;

			if ($t[$j][0] === 'T_STATIC') {
				$j++;
			}

			if ($isType($j) && $t[$j][0] !== 'T_STATIC') {
				while ($isType($j) || $t[$j][0] === '|') {
					$j++;
				}

				if ($t[$j][0] === 'T_VARIABLE' && !self_in_params($t, $i)) {
					$add($i, 'typed property (PHP 7.4)');
				}
			}
		}

		// Function declarations: parameter lists and return types.
		if ($type === 'T_FUNCTION') {
			$j = $i + 1;

			while ($j < $n && $t[$j][0] !== '(') {
				$j++;
			}

			$isConstructor = isset($t[$i + 1]) && strtolower($t[$i + 1][1]) === '__construct';
			$depth = 0;
			$seenVariable = false;

			for ($k = $j; $k < $n; $k++) {
				$c = $t[$k][0];

				if ($c === '(' || $c === '[' || $c === 'T_CURLY_OPEN') {
					$depth++;
				} elseif ($c === ')' || $c === ']') {
					$depth--;

					if ($depth === 0) {
						if ($t[$k - 1][0] === ',') {
							$add($k, 'trailing comma in a parameter list (PHP 8.0)');
						}

						break;
					}
				} elseif ($depth === 1) {
					if ($c === ',') {
						$seenVariable = false;
					} elseif ($c === 'T_VARIABLE') {
						$seenVariable = true;
					} elseif (($c === '|' || $c === 'T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG') && !$seenVariable && $c === '|') {
						$add($k, 'union type (PHP 8.0)');
					} elseif ($isConstructor && in_array($c, array('T_PUBLIC', 'T_PRIVATE', 'T_PROTECTED'), true)) {
						$add($k, 'constructor property promotion (PHP 8.0)');
					} elseif (in_array($c, array('T_STRING'), true) && in_array(strtolower($t[$k][1]), array('mixed'), true) && !$seenVariable) {
						$add($k, 'mixed type (PHP 8.0)');
					}
				}
			}

			// Return type: ")" ":" type ("|" type)*
			if (isset($t[$k + 1]) && $t[$k + 1][0] === ':') {
				for ($m = $k + 2; $m < $n && !in_array($t[$m][0], array('{', ';', 'T_USE'), true); $m++) {
					if ($t[$m][0] === '|') {
						$add($m, 'union return type (PHP 8.0)');
					}

					if ($t[$m][0] === 'T_STRING' && in_array(strtolower($t[$m][1]), array('mixed', 'never'), true)) {
						$add($m, strtolower($t[$m][1]) . ' return type (PHP 8.0+)');
					}

					if ($t[$m][0] === 'T_STATIC') {
						$add($m, 'static return type (PHP 8.0)');
					}
				}
			}
		}
	}

	$result[$file] = $problems;
}

/** True when token $i sits inside a parameter list (promotion is reported separately). */
function self_in_params(array $t, $i) {
	$depth = 0;

	for ($j = $i - 1; $j >= 0; $j--) {
		if ($t[$j][0] === ')') {
			$depth++;
		} elseif ($t[$j][0] === '(') {
			if ($depth === 0) {
				return true;
			}

			$depth--;
		} elseif ($t[$j][0] === '{' || $t[$j][0] === ';') {
			return false;
		}
	}

	return false;
}

echo json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
